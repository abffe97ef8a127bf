/**
 * The shell scripts `zenml-api completion SHELL` prints. They are thin: each asks
 * `zenml-api __complete -- WORD… CURRENT` for candidates (one a line, `value<TAB>description`),
 * so commands, flags and values always match the installed binary, and API paths come from the
 * cached document without a network request. When there is nothing to offer, the shell falls
 * back to file names (for --input, @files and the like).
 */
import type { SHELLS } from './spec.js';

export type Shell = (typeof SHELLS)[number];

export const INSTALL: Record<Shell, string> = {
  bash: `echo 'source <(zenml-api completion bash)' >> ~/.bashrc`,
  zsh: `echo 'source <(zenml-api completion zsh)' >> ~/.zshrc    # after compinit`,
  fish: `zenml-api completion fish > ~/.config/fish/completions/zenml-api.fish`,
};

const BASH = `# bash completion for zenml-api
# Install: ${INSTALL.bash}
# Candidates come from \`zenml-api __complete\` (the command tree and the cached API document).
_zenml_api_complete() {
    local line=\${COMP_LINE:0:COMP_POINT}
    local -a words=()
    read -r -a words <<< "$line"
    if [[ \${#words[@]} -eq 0 || $line == *[[:space:]] ]]; then words+=(""); fi
    # bash splits words at COMP_WORDBREAKS (= and :); candidates are whole words: cut what bash
    # already treats as a separate word off their front.
    local cur=\${COMP_WORDS[COMP_CWORD]}
    local full=\${words[\${#words[@]}-1]}
    local strip=""
    if [[ $full == *"$cur" ]]; then strip=\${full%"$cur"}; fi
    COMPREPLY=()
    local c
    while IFS= read -r c; do
        c=\${c%%$'\\t'*}
        [[ -n $c ]] && COMPREPLY+=("\${c#"$strip"}")
    done < <(command zenml-api __complete -- "\${words[@]:1}" 2>/dev/null)
    return 0
}
complete -o default -F _zenml_api_complete zenml-api
`;

const ZSH = `#compdef zenml-api
# zsh completion for zenml-api
# Install: ${INSTALL.zsh}
#      or: zenml-api completion zsh > "\${fpath[1]}/_zenml-api"
# Candidates come from \`zenml-api __complete\` (the command tree and the cached API document).
_zenml-api() {
  local -a lines cands
  local line value
  lines=("\${(@f)$(command zenml-api __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    value=\${line%%$'\\t'*}
    value=\${value//:/\\\\:}
    if [[ $line == *$'\\t'* ]]; then
      cands+=("$value:\${line#*$'\\t'}")
    else
      cands+=("$value")
    fi
  done
  if (( \${#cands} )); then
    _describe -t values 'zenml-api' cands
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == "_zenml-api" ]]; then
  _zenml-api "$@"
else
  compdef _zenml-api zenml-api
fi
`;

const FISH = `# fish completion for zenml-api
# Install: ${INSTALL.fish}
# Candidates come from \`zenml-api __complete\` (the command tree and the cached API document).
function __zenml_api_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cur (commandline -ct)
    set -l out (command zenml-api __complete -- $tokens "$cur" 2>/dev/null)
    if test (count $out) -eq 0
        __fish_complete_path "$cur"
        return
    end
    printf '%s\\n' $out
end
complete -c zenml-api -f -a '(__zenml_api_complete)'
`;

export function script(shell: Shell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}
