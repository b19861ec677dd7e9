import { shellScript } from '../supervisor/shell-command.js';
import { TfError } from '../util/errors.js';
import { defaultRestartNote, hostEnv, rootNote } from './input.js';
import { checkName, FILE_NAME } from './names.js';
import { FILE_MODE, SECRET_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

/**
 * systemd: APP.target wants one instance of a template unit APP-TYPE@.service per process; each
 * instance's drop-in sets its PORT/PS/DYNO; the app's variables sit in an EnvironmentFile.
 */
export function systemd(input: ExportInput): ExportResult {
  checkName('systemd', 'app name', input.app, FILE_NAME);
  const files = [
    { path: `${input.app}.target`, content: target(input), mode: FILE_MODE },
    { path: `${input.app}.env`, content: environmentFile(hostEnv(input)), mode: SECRET_MODE },
  ];
  for (const type of input.types) {
    files.push({ path: `${unitPrefix(input, type)}@.service`, content: templateUnit(input, type), mode: FILE_MODE });
    for (const instance of type.instances) {
      const vars = `PORT=${instance.port} PS=${instance.name} DYNO=${instance.name}`;
      files.push({ path: `${unitPrefix(input, type)}@${instance.instance}.service.d/tf-instance.conf`, content: `[Service]\nEnvironment=${vars}\n`, mode: FILE_MODE });
    }
  }
  return { files, notes: notes(input) };
}

/** A restart this soon after an exit, the same every time: systemd 252 has no growing RestartSteps=. */
const RESTART_SEC = '1s';

/** What the units do not keep of tf start's behaviour, or left to systemd's defaults. */
function notes(input: ExportInput): string[] {
  const restart = input.types.find((t) => t.restartDefaulted)?.restart;
  const how = restart?.kind === 'restart' ? `Restart=always after RestartSec=${RESTART_SEC}, at most ${restart.limit} starts in ${timespan(restart.windowMs)}` : '';
  const ready = input.types.filter((t) => t.ready !== undefined).map((t) => t.name);
  return [
    ...defaultRestartNote('systemd', input.types, how),
    ...rootNote('systemd', input.user, 'the units have no User='),
    ...(ready.length ? [`systemd: the ready check of ${ready.join(', ')} is not exported: a unit counts as started once its process runs (Type=simple), so After= orders starts, not readiness`] : []),
  ];
}

/** The instance units of the types TYPE depends on that this export has (a type scaled to 0 has none). */
function dependencyUnits(input: ExportInput, type: ExportType): string {
  return instanceUnits(input, input.types.filter((t) => type.dependsOn.includes(t.name)));
}

function unitPrefix(input: ExportInput, type: ExportType): string {
  return `${input.app}-${type.name}`;
}

function instanceUnits(input: ExportInput, types: ExportType[]): string {
  return types.flatMap((type) => type.instances.map((i) => `${unitPrefix(input, type)}@${i.instance}.service`)).join(' ');
}

function target(input: ExportInput): string {
  // An explicit restart: stop means one process ending stops the app: the target is bound to
  // those instances, and every instance is PartOf the target, so the stop reaches all of them.
  const stopping = input.types.filter((t) => t.restart.kind === 'stop' && t.instances.length > 0);
  return [
    '[Unit]',
    `Description=${unitText(input.app, 'the app name')} (exported by tf)`,
    `Wants=${instanceUnits(input, input.types)}`,
    ...(stopping.length ? [`BindsTo=${instanceUnits(input, stopping)}`] : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function templateUnit(input: ExportInput, type: ExportType): string {
  const restart = type.restart;
  const needs = dependencyUnits(input, type);
  return [
    '[Unit]',
    `Description=${unitText(input.app, 'the app name')} ${type.name}.%i (exported by tf)`,
    `PartOf=${input.app}.target`,
    // tf.yml depends_on: start after those instances, and pull them in when this one starts alone.
    ...(needs ? [`Wants=${needs}`, `After=${needs}`] : []),
    ...(restart.kind === 'restart' ? [`StartLimitIntervalSec=${timespan(restart.windowMs)}`, `StartLimitBurst=${restart.limit}`] : []),
    '',
    '[Service]',
    'Type=simple',
    ...(input.user ? [`User=${unitText(input.user, '--user')}`] : []),
    `WorkingDirectory=${unitText(input.root, 'the app root')}`,
    `EnvironmentFile=${unitText(`${input.outdir}/${input.app}.env`, 'the export folder')}`,
    `ExecStart=/bin/sh -c ${execArgument(shellScript(type.command), `the command of ${type.name}`)}`,
    // mixed: the stop signal goes to the main process only, so it can drain and stop its own
    // children; after TimeoutStopSec everything left in the unit's cgroup gets SIGKILL.
    'KillMode=mixed',
    `KillSignal=${type.stopSignal}`,
    // 0 would mean "wait forever": a drain of 0 kills after 1 ms.
    `TimeoutStopSec=${timespan(Math.max(1, type.drainMs))}`,
    `Restart=${restart.kind === 'restart' ? 'always' : 'no'}`,
    ...(restart.kind === 'restart' ? [`RestartSec=${RESTART_SEC}`] : []),
    `SyslogIdentifier=${input.app}-${type.name}.%i`,
    '',
    '[Install]',
    `WantedBy=${input.app}.target`,
    '',
  ].join('\n');
}

/** Text in a unit file: `%` starts a specifier (%i, %n) unless doubled (foreman #668). */
export function unitText(text: string, what = 'a value'): string {
  return checkedLine(text, what).replaceAll('%', '%%');
}

/**
 * A line break in a value ends its line and starts a directive of the value's choosing (an app
 * root named "/srv/x\nExecStartPre=/bin/evil" ran that command, and systemd-analyze verify
 * accepts the unit), so no control character may reach a unit. A tab is only space to systemd.
 */
function checkedLine(text: string, what: string): string {
  const control = /[\x00-\x08\x0a-\x1f\x7f]/.exec(text);
  if (control) {
    throw new TfError(`systemd: ${what} ${JSON.stringify(text)} holds a control character (${JSON.stringify(control[0])}), which would end or bend a line of the unit`, 'use a name, path or command without control characters');
  }
  return text;
}

/**
 * One ExecStart word: double-quoted with C-style escapes, `$` doubled so systemd leaves the
 * variable to the shell, `%` doubled so it is not a specifier.
 */
export function execArgument(text: string, what = 'the command'): string {
  const escaped = checkedLine(text, what).replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('$', '$$$$').replaceAll('%', '%%');
  return `"${escaped}"`;
}

/**
 * A line of an EnvironmentFile: double quotes, where systemd unescapes \\ \" \$ and \`; a newline
 * inside the quotes is kept. Specifiers and $VARS are not expanded in EnvironmentFile values.
 */
export function environmentFile(vars: Array<[string, string]>): string {
  const lines = vars.map(([key, value]) => `${key}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`);
  return `# The app's variables from its env files, for EnvironmentFile= (exported by tf)\n${lines.join('\n')}\n`;
}

/** A systemd time span: 5s, 1500ms, 2min. */
export function timespan(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
