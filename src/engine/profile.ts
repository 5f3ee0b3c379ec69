/**
 * Seconds spent per stage of a run, summed over tiles (and, in the CLI's worker pool, over workers): where a
 * run's time goes, for the bench and for anyone tuning the engine.
 */
export type ProfileStage = 'align' | 'read' | 'warp' | 'focus' | 'fuse' | 'blend' | 'extract' | 'write' | 'finish';

export type StageSeconds = Partial<Record<ProfileStage, number>>;

export class StageClock {
  readonly seconds: StageSeconds = {};

  add(stage: ProfileStage, ms: number): void {
    this.seconds[stage] = (this.seconds[stage] ?? 0) + ms / 1000;
  }

  measure<T>(stage: ProfileStage, work: () => T): T {
    const t0 = now();
    try {
      return work();
    } finally {
      this.add(stage, now() - t0);
    }
  }

  async measureAsync<T>(stage: ProfileStage, work: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await work();
    } finally {
      this.add(stage, now() - t0);
    }
  }

  merge(other: StageSeconds): void {
    for (const [stage, s] of Object.entries(other) as [ProfileStage, number][]) this.add(stage, s * 1000);
  }
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
