/**
 * Globs for `--watch` and tf.yml `watch:`, matched against paths relative to the app root with
 * "/" separators: `*` and `?` within a name, `**` across folders, `{a,b}` alternatives, `[...]`
 * classes. As in .gitignore, a glob without a "/" matches a name at any depth (`*.js`), and a
 * glob naming a folder matches everything below it (`src`). (chokidar 4 dropped globs.)
 */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  if (!pattern.includes('/')) pattern = `**/${pattern}`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" is zero or more folders; a bare "**" is anything.
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') (out += '(?:', depth++);
    else if (c === '}' && depth > 0) (out += ')', depth--);
    else if (c === ',' && depth > 0) out += '|';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}(?:/.*)?$`);
}

export function matcher(globs: string[]): (path: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (path) => patterns.some((re) => re.test(path));
}
