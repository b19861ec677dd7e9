/**
 * `.tfignore`: gitignore patterns, read from the app root only. The last matching pattern decides,
 * `!` re-includes, a trailing `/` matches folders only, a pattern with a `/` before its end is
 * anchored to the root, `*` and `?` stop at `/`, `**` crosses folders. As in git, nothing inside
 * an ignored folder can be re-included (callers never look inside one).
 */
export interface IgnoreRules {
  ignores(path: string, isDir: boolean): boolean;
}

interface Rule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export function parseIgnoreRules(text: string): IgnoreRules {
  const rules = text.split(/\r?\n/).map(parseLine).filter((r): r is Rule => r !== undefined);
  return {
    ignores(path, isDir) {
      let ignored = false;
      for (const rule of rules) if ((isDir || !rule.dirOnly) && rule.regex.test(path)) ignored = !rule.negate;
      return ignored;
    },
  };
}

/** A path is left out when it, or a folder it is in, is ignored. `path` is `/`-separated. */
export function ignoredWithParents(rules: IgnoreRules, path: string): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return true;
  return rules.ignores(path, false);
}

function parseLine(raw: string): Rule | undefined {
  // Trailing spaces go unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  const negate = line.startsWith('!');
  if (negate) line = line.slice(1);
  else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
  const dirOnly = line.endsWith('/');
  if (dirOnly) line = line.slice(0, -1);
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  if (line === '') return undefined;
  const body = globToRegex(line);
  return { regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), negate, dirOnly };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const slashAfter = glob[i + 2] === '/';
      if (atStart && slashAfter) {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!);
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        const inner = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${inner}]`;
        i = end;
      }
    } else out += escape(c);
  }
  return out;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
