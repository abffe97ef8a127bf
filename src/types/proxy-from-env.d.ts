// The one function of proxy-from-env this tool calls (the package ships no types).
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP(S)_PROXY / NO_PROXY (either case), or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
