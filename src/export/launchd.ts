import { homedir } from 'node:os';
import { shellScript } from '../supervisor/shell-command.js';
import { TfError } from '../util/errors.js';
import { defaultRestartNote, dependsOnNote, hostEnv, notRestarted, restartNote, unlimitedNote } from './input.js';
import { checkName, FILE_NAME } from './names.js';
import { ceilSeconds } from './quote.js';
import { SECRET_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/**
 * launchd (macOS): one property list per instance, APP.TYPE.N.plist, for ~/Library/LaunchAgents
 * (`launchctl bootstrap gui/$UID FILE`). The app's variables sit in each plist's
 * EnvironmentVariables (launchd has no env file), so the plists are private (0600).
 */
export function launchd(input: ExportInput): ExportResult {
  checkName('launchd', 'app name', input.app, FILE_NAME);
  const logs = `${homedir()}/Library/Logs`;
  const files = input.types.flatMap((type) =>
    type.instances.map((instance) => {
      const label = `${input.app}.${type.name}.${instance.instance}`;
      const env: Array<[string, string]> = [...hostEnv(input), ['PORT', String(instance.port)], ['PS', instance.name], ['DYNO', instance.name]];
      return { path: `${label}.plist`, content: plist(job(input, type, label, env, `${logs}/${label}.log`)), mode: SECRET_MODE };
    }),
  );
  return { files, notes: notes(input) };
}

/** The launchd.plist(5) keys of one job. */
function job(input: ExportInput, type: ExportType, label: string, env: Array<[string, string]>, log: string): Record<string, PlistValue> {
  return {
    Label: label,
    ProgramArguments: ['/bin/sh', '-c', shellScript(type.command)],
    WorkingDirectory: input.root,
    EnvironmentVariables: Object.fromEntries(env),
    // UserName is honoured only for a daemon (/Library/LaunchDaemons, loaded by root).
    ...(input.user !== undefined ? { UserName: input.user } : {}),
    RunAtLoad: true,
    // restart: started again whenever it exits, ThrottleInterval (10 s) apart at the fastest.
    KeepAlive: type.restart.kind === 'restart',
    // launchd sends SIGTERM, then SIGKILL after ExitTimeOut seconds.
    ExitTimeOut: Math.max(1, ceilSeconds(type.drainMs)),
    StandardOutPath: log,
    StandardErrorPath: log,
  };
}

function notes(input: ExportInput): string[] {
  const signals = input.types.filter((t) => t.stopSignal !== 'SIGTERM').map((t) => `${t.name} (${t.stopSignal})`);
  return [
    ...defaultRestartNote('launchd', input.types, 'KeepAlive, at most once every 10 seconds'),
    ...unlimitedNote('launchd', input.types, 'KeepAlive'),
    ...restartNote(input.types, ['stop'], notRestarted('launchd', 'launchd cannot stop other jobs when one ends; ')),
    ...(signals.length ? [`launchd: ${signals.join(', ')} will be stopped with SIGTERM: launchd sends no other stop signal`] : []),
    ...dependsOnNote('launchd', input.types),
    ...(input.user !== undefined ? ['launchd: UserName (--user) is honoured only for a daemon: a plist in /Library/LaunchDaemons, loaded by root; a LaunchAgent runs as the user who loads it'] : []),
  ];
}

/** An XML property list (the format `plutil -lint` and launchd read). */
export function plist(root: Record<string, PlistValue>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    ...element(root, '', 'the plist'),
    '</plist>',
    '',
  ].join('\n');
}

/** WHAT names the value in an error (a key path): a value may be a secret, never shown. */
function element(value: PlistValue, indent: string, what: string): string[] {
  if (typeof value === 'boolean') return [`${indent}<${value}/>`];
  if (typeof value === 'number') return [`${indent}<integer>${value}</integer>`];
  if (typeof value === 'string') return [`${indent}<string>${xmlText(value, what)}</string>`];
  if (Array.isArray(value)) return [`${indent}<array>`, ...value.flatMap((v) => element(v, `${indent}\t`, what)), `${indent}</array>`];
  const entries = Object.entries(value).flatMap(([key, v]) => [`${indent}\t<key>${xmlText(key, `a key of ${what}`)}</key>`, ...element(v, `${indent}\t`, key)]);
  return [`${indent}<dict>`, ...entries, `${indent}</dict>`];
}

/**
 * Text in XML: & < > escaped; a carriage return written as a reference, which an XML reader keeps
 * (a raw one it turns into a newline). XML 1.0 has no way to write other control characters.
 */
export function xmlText(text: string, what: string): string {
  const control = /[\x00-\x08\x0b\x0c\x0e-\x1f]/.exec(text);
  if (control) {
    throw new TfError(`launchd: ${what} holds a control character (${JSON.stringify(control[0])}), which a property list cannot hold`, 'remove it from the command, path or env file');
  }
  return text.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}
