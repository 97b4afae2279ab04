package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// completionCommand replaces cobra's: its bash script also works in a
// bash without the bash-completion package (a minimal stand-in for the
// one function of it cobra's script needs comes first).
func completionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "the shell completion script for aioctl",
		Long: `Prints the script that makes the shell complete aioctl's verbs, flags and
task and service names (asked from the running program).

  bash:  source <(aioctl completion bash)          # in ~/.bashrc
         (works without the bash-completion package; with it, also
         aioctl completion bash > ~/.local/share/bash-completion/completions/aioctl)
  zsh:   aioctl completion zsh > "${fpath[1]}/_aioctl"   # then start a new shell
         (needs compinit: autoload -U compinit; compinit in ~/.zshrc)
  fish:  aioctl completion fish > ~/.config/fish/completions/aioctl.fish`,
		Example:   "  aioctl completion bash > /tmp/aioctl.bash && source /tmp/aioctl.bash\n  aioctl completion fish > ~/.config/fish/completions/aioctl.fish",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				io.WriteString(out, bashShim)
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return &cliError{"bad_argument", fmt.Sprintf("completion: want bash, zsh, fish or powershell, got %q", args[0])}
		},
	}
	return cmd
}

// bashShim defines _get_comp_words_by_ref, the one bash-completion
// function cobra's script calls, when the package is not loaded: the
// words as bash split them, without bash-completion's rejoining of words
// split at '=' or ':' (aioctl's words have neither).
const bashShim = `# aioctl: a stand-in for bash-completion's _get_comp_words_by_ref when
# that package is not installed or loaded.
if ! declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
_get_comp_words_by_ref() {
    while [[ $# -gt 0 && $1 == -* ]]; do
        case $1 in -n|-i|-c) shift 2 ;; *) shift ;; esac
    done
    local _v
    for _v in "$@"; do
        case $_v in
            cur) cur=${COMP_WORDS[COMP_CWORD]} ;;
            prev) prev=${COMP_WORDS[COMP_CWORD-1]} ;;
            words) words=("${COMP_WORDS[@]}") ;;
            cword) cword=$COMP_CWORD ;;
        esac
    done
}
fi
`
