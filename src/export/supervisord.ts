import { DEFAULT_RESTART_LIMIT } from '../config/settings.js';
import { shellScript } from '../supervisor/shell-command.js';
import { TfError } from '../util/errors.js';
import { shQuote } from '../util/sh-quote.js';
import { defaultRestartNote, dependsOnNote, hostEnv, notRestarted, restartNote, rootNote, shellVariables } from './input.js';
import { checkName, FILE_NAME } from './names.js';
import { bareSignal, ceilSeconds, shellEnvFile } from './quote.js';
import { FILE_MODE, SECRET_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

/**
 * supervisord: APP.conf, to [include] from supervisord.conf, with a group and one program per
 * type (numprocs instances named web.1, web.2). supervisord has no env file, and its
 * environment= parser cannot carry every value (quotes at either end are stripped, " ;" starts a
 * comment), so each instance's shell reads the app's variables from APP.env, then execs the command.
 */
export function supervisord(input: ExportInput): ExportResult {
  checkName('supervisord', 'app name', input.app, FILE_NAME);
  const envPath = `${input.outdir}/${input.app}.env`;
  const programs = input.types.map((type) => `${input.app}-${type.name}`);
  const sections = [
    `; ${input.app}, exported by tf: [include] this file from supervisord.conf`,
    `[group:${input.app}]`,
    `programs=${programs.join(',')}`,
    '',
    ...input.types.flatMap((type) => program(input, type, envPath)),
  ];
  const env = shellVariables('supervisord', hostEnv(input), `${input.app}.env`);
  const notes = [
    ...env.notes,
    ...defaultRestartNote('supervisord', input.types, `autorestart=true, startretries=${DEFAULT_RESTART_LIMIT}, with supervisord's growing delay`),
    ...restartNote(input.types, ['stop'], notRestarted('supervisord', 'supervisord cannot stop a group when one process ends; ')),
    ...dependsOnNote('supervisord', input.types),
    ...rootNote('supervisord', input.user, 'the programs have no user='),
  ];
  return {
    files: [
      { path: `${input.app}.conf`, content: sections.join('\n'), mode: FILE_MODE },
      { path: `${input.app}.env`, content: shellEnvFile(env.vars, `${input.app}'s variables from its env files, read by the programs of ${input.app}.conf (exported by tf)`), mode: SECRET_MODE },
    ],
    notes,
  };
}

function program(input: ExportInput, type: ExportType, envPath: string): string[] {
  // PORT is per instance: base port - 1 + process_num, which only a shell can add up.
  const before = type.port - 1;
  const prefix = `. ${shQuote(envPath).replaceAll('%', '%%')} || exit 1; export PORT=$((${before} + %(process_num)d)) PS=${type.name}.%(process_num)d DYNO=${type.name}.%(process_num)d; `;
  const restart = type.restart;
  return [
    `[program:${input.app}-${type.name}]`,
    `command=/bin/sh -c ${iniShellWord(prefix, true)}${iniShellWord(shellScript(type.command), false)}`,
    'process_name=%(program_name)s.%(process_num)s',
    `numprocs=${type.instances.length}`,
    'numprocs_start=1',
    `directory=${iniValue(input.root, 'the app root')}`,
    ...(input.user ? [`user=${iniValue(input.user, '--user')}`] : []),
    'autostart=true',
    `autorestart=${restart.kind === 'restart' ? 'true' : 'false'}`,
    ...(restart.kind === 'restart' ? [`startretries=${restart.limit}`] : []),
    `stopsignal=${bareSignal(type.stopSignal)}`,
    `stopwaitsecs=${ceilSeconds(type.drainMs)}`,
    // The stop signal and the final SIGKILL go to the process group, so children of a shell
    // command are not orphaned (supervisor #1101).
    'stopasgroup=true',
    'killasgroup=true',
    'redirect_stderr=true',
    '',
  ];
}

/**
 * One part of a command= word. supervisord splits command= with Python's shlex (POSIX rules),
 * after expanding %(name)s, after its ini parser cut everything from a " ;" or " #" on. So: POSIX
 * single quotes, `%` doubled unless it is our own %(process_num)d, and every `;` and `#` stepped
 * outside the quotes as `\;` `\#`, where no whitespace can precede it.
 */
export function iniShellWord(text: string, expansions: boolean): string {
  const body = (expansions ? text : text.replaceAll('%', '%%')).replace(/['#;]/g, (c) => (c === "'" ? `'\\''` : `'\\${c}'`));
  return `'${body}'`;
}

/** A plain ini value: `%` doubled; a newline or a " ;" would end it early, so those are refused. */
export function iniValue(text: string, what: string): string {
  if (/[\r\n]|\s[;#]/.test(text)) {
    throw new TfError(`supervisord: ${what} "${text}" cannot be written to supervisord's config: it holds a line break or a ";" or "#" after a space`, 'use a path without them');
  }
  return text.replaceAll('%', '%%');
}
