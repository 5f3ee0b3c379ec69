import { constants } from 'node:os';

/** The signals that stop a run the way Ctrl-C does. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPTS)[number];

export interface Interrupts {
  /** Aborted on the first interrupt. */
  readonly signal: AbortSignal;
  /** The first interrupt received, if any. */
  readonly received: InterruptSignal | undefined;
  dispose(): void;
}

/** The conventional exit status of a process stopped by `signal`: 128 + its number (130 for SIGINT). */
export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * SIGINT, SIGTERM and SIGHUP all cancel the run: the first one aborts `signal`, and the run stops at its
 * next checkpoint and cleans up after itself. A second one means "now": `forceExit` removes what is left
 * on disk synchronously and the process exits at once.
 */
export function catchInterrupts(forceExit: (signal: InterruptSignal) => void): Interrupts {
  const abort = new AbortController();
  let received: InterruptSignal | undefined;
  const handler = (signal: InterruptSignal) => {
    if (received) {
      forceExit(signal);
      return;
    }
    received = signal;
    abort.abort();
  };
  for (const s of INTERRUPTS) process.on(s, handler);
  return {
    signal: abort.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const s of INTERRUPTS) process.off(s, handler);
    },
  };
}
