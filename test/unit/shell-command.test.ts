import { describe, expect, it } from 'vitest';
import { shellScript } from '../../src/supervisor/shell-command.js';

describe('shellScript', () => {
  it.each([
    'node server.js',
    'bundle exec puma -C config/puma.rb',
    'python -m http.server $PORT',
    'ruby app.rb --name=web',
    'echo "a > b"',
    'iffy --done',
    'fiddle',
    'env FOO=1 node x.js',
  ])('a simple command runs with exec: %s', (command) => {
    expect(shellScript(command)).toBe(`exec ${command}`);
  });

  it.each([
    ['sequence', 'npm run build; node dist/server.js'],
    ['and', 'make && ./app'],
    ['or', 'try || fallback'],
    ['pipe', 'node app.js | tee log.txt'],
    ['background', 'worker & web'],
    ['newline', 'echo one\necho two'],
    ['backticks', 'echo `date`'],
    ['command substitution', 'echo $(date)'],
    ['subshell', '(cd web && node server.js)'],
    ['parentheses, even quoted (erring on the side of the shell)', 'node -e "console.log(1)"'],
    ['leading assignment', 'NODE_ENV=production node server.js'],
    ['leading assignment after spaces', '  DEBUG=1 node server.js'],
    ['if', 'if true; then node a.js; fi'],
    ['while', 'while true\ndo node a.js\ndone'],
    ['for', 'for i in 1 2; do echo $i; done'],
    ['case', 'case x in x) echo;; esac'],
    ['negation', '! grep -q x file'],
    ['brace group', '{ echo a; echo b; }'],
    ['function', 'function f { echo; }'],
    ['already exec', 'exec node server.js'],
    ['a builtin that only exists in the shell', 'exit 3'],
    ['cd', 'cd web'],
  ])('%s is left to the shell as written', (_case, command) => {
    expect(shellScript(command)).toBe(command);
  });
});
