import { shellScript } from '../supervisor/shell-command.js';
import { defaultRestartNote, dependsOnNote, hostEnv, notRestarted, restartNote, rootNote, shellVariables, unlimitedNote } from './input.js';
import { checkName, FILE_NAME } from './names.js';
import { shellEnvFile } from './quote.js';
import { shQuote } from '../util/sh-quote.js';
import { SCRIPT_MODE, SECRET_MODE, type ExportedFile, type ExportInput, type ExportResult, type ExportType } from './types.js';

export interface ServiceDirTarget {
  name: 'runit' | 's6';
  /** How the run script starts the command: chpst or s6-setuidgid, given the user. */
  launcher: (user: string | undefined) => string;
  /** The target's own files for one instance (signals, timeouts, restart policy). */
  extra: (type: ExportType, dir: string) => ExportedFile[];
}

/**
 * runit and s6 share their shape: a service directory per instance (APP-web-1/), with a run
 * script that reads the instance's variables from ./env and execs the command.
 */
export function serviceDirs(input: ExportInput, target: ServiceDirTarget): ExportResult {
  checkName(target.name, 'app name', input.app, FILE_NAME);
  const files: ExportedFile[] = [];
  const env = shellVariables(target.name, hostEnv(input), './env');
  for (const type of input.types) {
    for (const instance of type.instances) {
      const dir = `${input.app}-${type.name}-${instance.instance}`;
      const vars: Array<[string, string]> = [...env.vars, ['PORT', String(instance.port)], ['PS', instance.name], ['DYNO', instance.name]];
      files.push(
        { path: `${dir}/run`, content: runScript(input, instance.name, type, target.launcher(input.user)), mode: SCRIPT_MODE },
        { path: `${dir}/env`, content: shellEnvFile(vars, `${input.app} ${instance.name}'s variables, read by ./run (exported by tf)`), mode: SECRET_MODE },
        ...target.extra(type, dir),
      );
    }
  }
  const supervisor = target.name === 'runit' ? 'runsv' : 's6-supervise';
  const notes = [
    ...env.notes,
    ...defaultRestartNote(target.name, input.types, `${supervisor} starts a process again a second after it exits`),
    ...unlimitedNote(target.name, input.types, `${supervisor} restarts a process a second after it exits`),
    ...restartNote(input.types, ['stop'], notRestarted(target.name)),
    ...dependsOnNote(target.name, input.types),
    ...rootNote(target.name, input.user, `the run scripts have no ${target.name === 'runit' ? 'chpst -u' : 's6-setuidgid'}`),
  ];
  return { files, notes };
}

function runScript(input: ExportInput, name: string, type: ExportType, launcher: string): string {
  return [
    '#!/bin/sh',
    `# ${input.app} ${name}, exported by tf`,
    'exec 2>&1',
    '. ./env || exit 1',
    `cd ${shQuote(input.root)} || exit 1`,
    `exec ${launcher}/bin/sh -c ${shQuote(shellScript(type.command))}`,
    '',
  ].join('\n');
}
