/** The signals that make `tf start` stop everything: Ctrl-C, a polite kill, a closed terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export type SignalListener = (signal: NodeJS.Signals) => void;

/** Owns tf's stop signals until the returned function is called. */
export function listenForSignals(listener: SignalListener, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): () => void {
  const handlers = signals.map((signal) => {
    const handler = (): void => listener(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
