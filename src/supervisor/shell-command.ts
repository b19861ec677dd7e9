const KEYWORDS = 'if|then|else|elif|fi|for|while|until|do|done|case|esac|function|select|!|\\{|\\}';
// Builtins that exist only inside the shell: `exec exit 3` would look for a program named exit.
const BUILTINS = 'exec|exit|cd|set|export|eval|\\.|source|return|trap|unset|readonly|shift|wait|ulimit|umask|alias|unalias|times|:|local|declare|typeset|break|continue|read|getopts|hash|type|command|builtin|jobs|fg|bg';
const CONTROL = new RegExp(`[;&|\\n\`()]|^\\s*(?:[A-Za-z_][A-Za-z0-9_]*=|(?:${KEYWORDS}|${BUILTINS})(?:\\s|$))`);

/**
 * The script `/bin/sh -c` runs for a Procfile command. A simple command gets `exec`, so the
 * program replaces the shell: it then receives tf's signals itself, its exit status is its own,
 * and it is the pid tf reports (dash, Debian's sh, forks instead). Anything with control
 * operators, compound commands, shell builtins or a leading assignment is left to the shell as written.
 */
export function shellScript(command: string): string {
  return CONTROL.test(command) ? command : `exec ${command}`;
}
