import type { ProcessSpec, SpecFactory } from '../formation/formation.js';
import type { Multiplexer } from '../output/multiplexer.js';
import type { Spawn } from './spawner.js';
import type { Timers } from './timers.js';
import type { TerminalSize } from '../platform/containment.js';

export interface SupervisorOptions {
  specs: ProcessSpec[];
  output: Multiplexer;
  /** Makes instances started later (tf scale); default: derived from `specs`. */
  specFor?: SpecFactory;
  /** Every runnable type in Procfile order, those at 0 included (what tf scale accepts). */
  types?: string[];
  spawn?: Spawn;
  timers?: Timers;
  /** Unique per supervisor; every child carries it in TF_SUPERVISOR_ID. */
  marker?: string;
  /** Start the watchdog that cleans up if tf itself is SIGKILLed (portable mode; default on, except on Windows). */
  watchdog?: boolean;
  /** Extra variables for every child (FORCE_COLOR when tf colors). */
  extraEnv?: Record<string, string>;
  maxLineBytes?: number;
  /** How long to wait for the output of a SIGKILLed process before giving up on it. */
  killGraceMs?: number;
  /** The size of tf's own terminal, if it has one: tty-mode processes start with it. */
  terminalSize?: () => TerminalSize | undefined;
  /** How often to sample each process's CPU and memory; 0 or absent: never (tf start passes 2 s by default). */
  metricsIntervalMs?: number;
}
