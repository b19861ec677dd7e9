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
  const file = pageFile(path);
  if (!file) return undefined;
  try {
    return { body: await readFile(join(dir, file)), type: TYPES[extname(file)]! };
  } catch {
    return undefined;
  }
}

/** The file, inside the page's folder, that a GET path may name; undefined for anything else. */
export function pageFile(path: string): string | undefined {
  const name = path.startsWith('/assets/') ? path.slice('/assets/'.length) : undefined;
  const file = path === '/' || path === '/index.html' ? 'index.html' : name !== undefined && ASSET_NAME.test(name) ? join('assets', name) : undefined;
  return file !== undefined && TYPES[extname(file)] ? file : undefined;
}
