import { readFileSync } from 'node:fs';

const CTRL_C = 0x03;
const CTRL_Z = 0x1a;

/** What tf keeps for itself of a raw keyboard: the keys its terminal would turn into signals. */
export interface OwnKeys {
  /** Ctrl-C (0x03): what SIGINT from the terminal did in line mode. */
  interrupt(): void;
  /** Ctrl-Z (0x1a): what SIGTSTP from the terminal did in line mode. */
  suspend(): void;
}

/**
 * Whether tf is in its terminal's foreground process group: only then may it change the terminal's
 * mode (tcsetattr from the background stops tf with SIGTTOU). /proc/self/stat fields 5 and 8 are
 * tf's process group and the terminal's foreground group; where /proc is missing, assume it is.
 */
function inForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[2] === fields[5];
  } catch {
    return true;
  }
}

/**
 * Puts tf's terminal in raw mode and hands each key to ONKEYS as it is typed (a paste arrives as one
 * chunk). With OWN, Ctrl-C and Ctrl-Z are tf's, as in line mode: the keys before one are passed on,
 * then tf acts. The terminal goes back to its mode on the returned stop, at any exit of tf (a crash
 * too), and before tf suspends itself; it is raw again when tf continues in the foreground. Without
 * a terminal on stdin the keys are read as they come. SIGKILL of tf leaves the terminal raw (`stty sane`).
 */
export function rawKeyboard(onKeys: (keys: Buffer) => void, own?: OwnKeys): () => void {
  const stdin = process.stdin;
  const setRaw = (raw: boolean): void => {
    if (stdin.isTTY && stdin.isRaw !== raw && (!raw || inForeground())) stdin.setRawMode(raw);
  };
  const onData = (chunk: Buffer): void => {
    let start = 0;
    for (let at = 0; own && at < chunk.length; at++) {
      if (chunk[at] !== CTRL_C && chunk[at] !== CTRL_Z) continue;
      if (at > start) onKeys(chunk.subarray(start, at));
      start = at + 1;
      if (chunk[at] === CTRL_C) own.interrupt();
      else {
        // The shell gets its terminal back in the mode it left it.
        setRaw(false);
        own.suspend();
      }
    }
    if (start < chunk.length) onKeys(chunk.subarray(start));
  };
  const onContinue = (): void => setRaw(true);
  const onExit = (): void => setRaw(false);
  setRaw(true);
  stdin.on('data', onData);
  stdin.resume();
  process.on('SIGCONT', onContinue);
  process.on('exit', onExit);
  return () => {
    stdin.off('data', onData);
    process.off('SIGCONT', onContinue);
    process.off('exit', onExit);
    setRaw(false);
    stdin.pause();
  };
}
