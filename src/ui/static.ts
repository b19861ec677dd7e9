import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** What the front end's build may ship, by extension; any other file is not served. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** One plain file name: no folder, no `..`, no dot file. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * The built page's folder (dist/ui: index.html and assets/). Bundled, this code runs from
 * dist/tf.js; compiled alone, from dist/ui/; under the tests, from src/ui/.
 */
export function pageDir(): string | undefined {
  const candidates = [join(__dirname, 'ui'), __dirname, join(__dirname, '..', '..', 'dist', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * The file a GET path names: `/` is index.html, `/assets/NAME` a file of assets/; nothing else
 * (no listing, no other folder). undefined: not one of ours.
 */
export async function staticFile(dir: string, path: string): Promise<StaticFile | undefined> {
  let file: string;
  if (path === '/' || path === '/index.html') file = join(dir, 'index.html');
  else if (path.startsWith('/assets/') && ASSET_NAME.test(path.slice('/assets/'.length))) file = join(dir, 'assets', path.slice('/assets/'.length));
  else return undefined;
  const type = TYPES[extname(file)];
  if (!type) return undefined;
  try {
    return { body: await readFile(file), type };
  } catch {
    return undefined;
  }
}
