/**
 * Progress and cancellation for long runs on a single thread (UXP has no workers): the engine calls
 * `checkpoint()` between frames and tiles; it yields to the event loop so the panel can repaint and the
 * user's Cancel can land, then throws CancelledError if cancellation was requested.
 */

import { now } from './profile.js';

export type Stage = 'aligning' | 'fusing' | 'writing';

export interface ProgressEvent {
  stage: Stage;
  /** Overall fraction done, 0..1, monotone over a run. */
  fraction: number;
  /** Frames done within the current stage's current pass, and the stack's frame count. */
  frame: number;
  frames: number;
  /** Seconds left, estimated from the rate so far; undefined until there is a rate. */
  etaSeconds?: number;
  message: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

/** Something the caller flips to stop a run: an AbortSignal, or Photoshop's executionContext.isCancelled. */
export interface CancelToken {
  readonly cancelled: boolean;
}

export function cancelTokenFrom(signal: AbortSignal): CancelToken {
  return {
    get cancelled() {
      return signal.aborted;
    },
  };
}

/** Relative cost of each stage, for an overall bar that moves at a roughly even pace. */
const STAGE_WEIGHTS: Record<Stage, number> = { aligning: 0.2, fusing: 0.65, writing: 0.15 };
const STAGE_ORDER: Stage[] = ['aligning', 'fusing', 'writing'];

export class Progress {
  private readonly started = now();
  private lastYield = now();
  private lastFraction = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly cancel: CancelToken | undefined,
    private readonly frames: number,
  ) {}

  /** Report `done` of `total` units of `stage`. */
  report(stage: Stage, done: number, total: number, frame: number, message: string): void {
    let before = 0;
    for (const s of STAGE_ORDER) {
      if (s === stage) break;
      before += STAGE_WEIGHTS[s];
    }
    const fraction = Math.min(1, Math.max(this.lastFraction, before + STAGE_WEIGHTS[stage] * (total > 0 ? done / total : 1)));
    this.lastFraction = fraction;
    const elapsed = (now() - this.started) / 1000;
    const etaSeconds = fraction > 0.02 && elapsed > 0.5 ? (elapsed * (1 - fraction)) / fraction : undefined;
    this.listener?.({ stage, fraction, frame, frames: this.frames, etaSeconds, message });
  }

  /** Yield to the event loop (at most every ~30 ms, so progress repaints without costing throughput) and honour cancel. */
  async checkpoint(): Promise<void> {
    this.throwIfCancelled();
    if (now() - this.lastYield > 30) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      this.lastYield = now();
      this.throwIfCancelled();
    }
  }

  throwIfCancelled(): void {
    if (this.cancel?.cancelled) throw new CancelledError();
  }
}

/** "42 s", "3 min 05 s", "1 h 02 min": durations as people read them in progress lines and summaries. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
