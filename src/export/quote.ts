import { shQuote } from '../util/sh-quote.js';

/** A file of `export KEY='value'` lines that `.` in sh reads back exactly, newlines included. */
export function shellEnvFile(vars: Array<[string, string]>, header: string): string {
  return `# ${header}\n${vars.map(([key, value]) => `export ${key}=${shQuote(value)}\n`).join('')}`;
}

/** Whole seconds, rounded up: engines that count in seconds must not cut a drain short. */
export function ceilSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** The signal's name without SIG, as supervisord, runit and kill -s spell it. */
export function bareSignal(signal: NodeJS.Signals): string {
  return signal.replace(/^SIG/, '');
}
