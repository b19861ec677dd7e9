import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/env-file.js';
import { tfError } from './tf-error.js';

const parse = (text: string) => parseEnvFile(text, '.env');
/** key -> [value, line, literal], compact enough for a table. */
const summary = (text: string) => Object.fromEntries(parse(text).map((e) => [e.key, [e.value, e.line, e.literal]]));

describe('parseEnvFile: values', () => {
  it.each([
    ['plain', 'A=1', { A: ['1', 1, false] }],
    ['spaces around =', 'A  =  1  ', { A: ['1', 1, false] }],
    ['export prefix', 'export A=1\n  export\tB=2', { A: ['1', 1, false], B: ['2', 2, false] }],
    ['KEY: value form', 'A: 1', { A: ['1', 1, false] }],
    ['empty value', 'A=', { A: ['', 1, false] }],
    ['dots and dashes in keys', 'a.b-c=1', { 'a.b-c': ['1', 1, false] }],
    ['single quotes are literal', "A='$HOME \\n x'", { A: ['$HOME \\n x', 1, true] }],
    ['double quotes expand \\n', 'A="one\\ntwo"', { A: ['one\ntwo', 1, false] }],
    ['unquoted values keep \\n as typed', 'A=one\\ntwo', { A: ['one\\ntwo', 1, false] }],
    ['backticks', 'A=`it\'s "quoted"`', { A: ['it\'s "quoted"', 1, false] }],
    ['inline comment after an unquoted value', 'A=foo # note', { A: ['foo', 1, false] }],
    ['inline comment after a quoted value', 'A="foo # not a comment" # note', { A: ['foo # not a comment', 1, false] }],
    ['escaped quote inside double quotes is a quote', 'A="say \\"hi\\""', { A: ['say "hi"', 1, false] }],
    ['later duplicate wins in order', 'A=1\nA=2', { A: ['2', 2, false] }],
  ])('%s', (_case, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it('only single quotes make a value literal', () => {
    expect(parse("S='x'\nD=\"x\"\nB=`x`\nU=x").map((e) => [e.key, e.literal])).toEqual([
      ['S', true],
      ['D', false],
      ['B', false],
      ['U', false],
    ]);
  });
});

describe('parseEnvFile: line numbers', () => {
  it('skips comments and blank lines but counts them', () => {
    expect(parse('# header\n\nA=1\n   \n  # indented\nB=2').map((e) => [e.key, e.line])).toEqual([
      ['A', 3],
      ['B', 6],
    ]);
  });

  it('gives entries after a multi-line value their own line', () => {
    const text = ['A=1', 'CERT="-----BEGIN-----', 'abc', '-----END-----"', 'B=2', "C='x", "y'", 'D=3'].join('\n');
    expect(parse(text).map((e) => [e.key, e.value, e.line])).toEqual([
      ['A', '1', 1],
      ['CERT', '-----BEGIN-----\nabc\n-----END-----', 2],
      ['B', '2', 5],
      ['C', 'x\ny', 6],
      ['D', '3', 8],
    ]);
  });

  it.each([
    ['CRLF', 'A=1\r\nB="x\r\ny"\r\nC=3'],
    ['lone CR', 'A=1\rB="x\ry"\rC=3'],
  ])('treats %s as a line break', (_case, text) => {
    expect(parse(text).map((e) => [e.key, e.value, e.line])).toEqual([
      ['A', '1', 1],
      ['B', 'x\ny', 2],
      ['C', '3', 4],
    ]);
  });
});

describe('parseEnvFile: the grammar the peers share (dotenv, godotenv, foreman, honcho)', () => {
  it.each([
    ['a byte order mark before the first line (dotenv)', '\uFEFFA=one\nB=two', { A: ['one', 1, false], B: ['two', 2, false] }],
    ['a value ending in an escaped backslash', 'WINDIR="C:\\\\Users\\\\me\\\\"', { WINDIR: ['C:\\Users\\me\\', 1, false] }],
    ['an escaped backslash does not hide the closing quote from the next line', 'A="C:\\\\"\nB=1 # "', { A: ['C:\\', 1, false], B: ['1', 2, false] }],
    ['other backslashes inside double quotes are kept', 'A="C:\\Users\\tmp"', { A: ['C:\\Users\\tmp', 1, false] }],
    ['an escaped dollar stays for the expander', 'A="foo\\${FOO}"', { A: ['foo\\${FOO}', 1, false] }],
    ['\\r inside double quotes', 'A="a\\rb"', { A: ['a\rb', 1, false] }],
  ])('%s', (_case, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it.each([
    ['a bare name', 'A=1\nFOO\nB=2', 2],
    ['words without "="', 'A=1\n\njust some words\nB=2', 3],
    ['KEY:value without a space', 'A:1\nB=2', 1],
    ['a line after a multi-line value', 'A="x\ny"\nbad line\nB=2', 3],
  ])('skips %s with a warning naming file and line, and loads the rest', (_case, text, line) => {
    const warnings: string[] = [];
    const entries = parseEnvFile(text, '.env', (message) => warnings.push(message));
    expect(entries.map((e) => e.key)).toEqual(text.startsWith('A:') ? ['B'] : ['A', 'B']);
    expect(warnings).toEqual([`.env:${line}: skipped a line that is not KEY=VALUE (no "=") (write it as KEY=value, or comment it out with #)`]);
  });
});

describe('parseEnvFile: errors name file:line, never a value', () => {
  it.each([
    ['unterminated double quote names the opening line', 'A=1\nB="open\nC=2\nD=3', '.env:2: the value of B opens a " quote that is never closed'],
    ["unterminated single quote", "A='open", ".env:1: the value of A opens a ' quote that is never closed"],
    ['unterminated backtick', 'A=1\n\nB=`x', '.env:3: the value of B opens a ` quote that is never closed'],
    ['text after the closing quote', 'A="x" y', '.env:1: unexpected text after the closing quote of A'],
    ['text after a closing quote on a later line', 'A=1\nB="x\ny" z', '.env:3: unexpected text after the closing quote of B'],
    ['space in the key', 'MY KEY=1', '.env:1: not a KEY=VALUE line: the name before "=" may hold only letters, digits, "_", "." and "-"'],
    ['a NUL byte in a value', 'A=1\nB=x\0y\nC=3', '.env:2: holds a NUL byte'],
    ['a NUL byte after CRLF lines', 'A=1\r\nB=2\r\nC="x\0"', '.env:3: holds a NUL byte'],
  ])('%s', (_case, text, message) => {
    const error = tfError(() => parse(text));
    expect(error.message).toBe(message);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    ['a base64 line of a pasted private key', 'KEY=-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecret+part/one==\n'],
    ['text after a closing quote', 'TOKEN="s3cr3t-1" s3cr3t-2\n'],
    ['a name with a space', 's3cr3t part=1\n'],
  ])('does not show %s', (_case, text) => {
    const warnings: string[] = [];
    let message = '';
    try {
      parseEnvFile(text, '.env', (w) => warnings.push(w));
    } catch (error) {
      message = `${(error as Error).message} ${String((error as { hint?: string }).hint)}`;
    }
    const said = `${message} ${warnings.join(' ')}`;
    expect(said.trim()).not.toBe('');
    for (const secret of ['MIIE', 'secret', 's3cr3t']) expect(said).not.toContain(secret);
  });

  it('names a file outside the working directory by its full path', () => {
    expect(tfError(() => parseEnvFile('A="x', '/nonexistent-tf-app/.env')).message).toBe('/nonexistent-tf-app/.env:1: the value of A opens a " quote that is never closed');
  });
});
