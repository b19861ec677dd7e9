import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTf } from '../helpers/tf.js';
import { recipeApp, RECIPES } from './stack.js';

// The README's Recipes section shows the recipe files the stack tests run; this keeps them one.
// These need no server, so they run on every machine.

const README = resolve(import.meta.dirname, '../../README.md');

function recipesSection(): string {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n## Recipes\n');
  expect(start, 'README.md has a "## Recipes" section').toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Each code block the section introduces with a line **`FILE`**, by file name. */
function shownFiles(section: string): Map<string, string> {
  const shown = new Map<string, string>();
  for (const match of section.matchAll(/^\*\*`([^`]+)`\*\*\n```[\w-]*\n([\s\S]*?)^```$/gm)) shown.set(match[1]!, match[2]!);
  return shown;
}

describe('README recipes', () => {
  it('shows the recipe\'s Procfile, tf.yml, .env and nginx.conf exactly as the tests run them', () => {
    const shown = shownFiles(recipesSection());
    expect([...shown.keys()].sort()).toEqual(['.env', 'Procfile', 'nginx.conf', 'tf.yml']);
    for (const [name, text] of shown) expect(text, `README block for ${name} vs test/stacks/recipes/${name}`).toBe(readFileSync(join(RECIPES, name), 'utf8'));
  });

  it('names every other file of the recipe folder', () => {
    const section = recipesSection();
    const unnamed = readdirSync(RECIPES).filter((name) => !section.includes(`\`${name}\``));
    expect(unnamed).toEqual([]);
  });

  it('is a valid app: tf check accepts it and shows dependents starting after, and stopping before, postgres and redis', async () => {
    const { root } = recipeApp(17000);
    const check = await runTf(['check', '-e', '.env'], { cwd: root });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^ +nginx\.1 +port 5500 +SIGQUIT/m);
    expect(check.stdout).toMatch(/^start order: +postgres, redis\b.*; then web, worker$/m);
    expect(check.stdout).toMatch(/^stop order: +web, worker\b.*; then postgres, redis$/m);
  });
});
