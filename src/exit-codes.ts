export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the request or operation failed (HTTP error, network error, local store error)
  2    usage error (bad flag, bad argument, unreadable input file)
  4    authentication needed or rejected (no credentials, expired token that cannot be renewed, 401)
  126  exec: the command could not be run (not executable)
  127  exec: the command was not found
  130  interrupted (Ctrl-C)
  137  a keychain call hung past its deadline; the error was printed, then the process ended itself
  exec exits with its command's status, 128+N when signal N ended the command
`;
