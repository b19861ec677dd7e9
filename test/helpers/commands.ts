import { runTf } from './tf.js';
import { tmpApp } from './tmp-app.js';

/** Every command path tf's help lists ("start", "release create"), read from the help itself so a new command is covered. */
export async function commandPaths(): Promise<string[]> {
  const cwd = tmpApp({});
  const listed = async (path: string[]): Promise<string[]> => {
    const help = (await runTf(['help', ...path], { cwd })).stdout;
    const section = help.split(/^Commands:\n/m)[1]?.split(/^\S/m)[0] ?? '';
    return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
  };
  const paths: string[] = [];
  for (const name of await listed([])) {
    paths.push(name);
    for (const sub of await listed([name])) paths.push(`${name} ${sub}`);
  }
  return paths;
}
