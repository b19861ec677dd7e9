const CONTROL = /[;&|\n`()]|^\s*(?:[A-Za-z_][A-Za-z0-9_]*=|(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|function|select|exec|!|\{|\})(?:\s|$))/;

/**
 * The script `/bin/sh -c` runs for a Procfile command. A simple command gets `exec`, so the
 * program replaces the shell: it then receives tf's signals itself, its exit status is its own,
 * and it is the pid tf reports (dash, Debian's sh, forks instead). Anything with control
 * operators, compound commands or a leading assignment is left to the shell as written.
 */
export function shellScript(command: string): string {
  return CONTROL.test(command) ? command : `exec ${command}`;
}
