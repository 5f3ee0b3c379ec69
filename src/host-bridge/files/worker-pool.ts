import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PairFit, PairModel } from '../../engine/align-pair.js';
import type { LinkRunner } from '../../engine/align.js';
import type { PyramidImage } from '../../engine/analysis-frame.js';
import type { TileRunner } from '../../engine/pipeline.js';
import type { StageClock } from '../../engine/profile.js';
import type { FrameStep, TileJob, TileOutput, TileReport } from '../../engine/tile-fusion.js';
import type { StackInfo } from '../../engine/types.js';
import type { KernelKind } from '../../wasm/kernels.js';
import { packageRoot } from './node-kernels.js';
import type { TileHost, PoolWorkerApi } from './pool-worker.js';

/** Where the main thread's frames are: decoded into raw spools on demand. */
export interface SpoolProvider {
  spoolPath(frame: number): Promise<string>;
}

interface PoolWorker {
  thread: Worker;
  api: Comlink.Remote<PoolWorkerApi>;
}

/**
 * Every core for the CLI: worker threads (with comlink), each with its own wasm instance and arena, registering
 * alignment's links and fusing tiles in parallel while the main thread decodes frames and writes results.
 * Both are deterministic and tiles are exact, so the output is bit-identical whatever the number of threads.
 */
export class WorkerPool implements TileRunner, LinkRunner {
  private arenaPeak = 0;
  /** Workers free for a link, and links waiting for one. */
  private readonly idle: PoolWorker[];
  private readonly waiting: ((worker: PoolWorker) => void)[] = [];

  private constructor(private readonly workers: PoolWorker[], private readonly spools: SpoolProvider) {
    this.idle = [...workers];
  }

  get parallelism(): number {
    return this.workers.length;
  }

  /** Sum of the workers' arena peaks (they run at once). */
  get arenaPeakBytes(): number {
    return this.arenaPeak;
  }

  static async start(threads: number, kernels: KernelKind | undefined, info: StackInfo, spools: SpoolProvider): Promise<WorkerPool> {
    // The compiled worker, also when the caller runs from TypeScript sources (tests): workers load plain JS.
    const script = join(packageRoot(), 'build', 'node', 'src', 'host-bridge', 'files', 'pool-worker.js');
    const workers = Array.from({ length: threads }, () => {
      const thread = new Worker(script);
      return { thread, api: Comlink.wrap<PoolWorkerApi>(nodeEndpoint(thread)) };
    });
    const pool = new WorkerPool(workers, spools);
    try {
      await Promise.all(workers.map((w) => w.api.init(kernels, info)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Registers one link on the next free worker (alignment ends before the tiles start). */
  async register(template: PyramidImage, image: PyramidImage, model: PairModel): Promise<PairFit> {
    const worker = this.idle.pop() ?? await new Promise<PoolWorker>((resolve) => this.waiting.push(resolve));
    try {
      return await worker.api.register(template, image, model);
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async run(jobs: TileJob[], output: TileOutput, step: FrameStep, clock: StageClock): Promise<TileReport> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    // Errors raised here on the main thread (a cancel, a failing write) reach the worker and come back as plain
    // copies; the original object is what the caller must see.
    const local = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => async (...args: A) => {
      try {
        await fn(...args);
      } catch (error) {
        failure ??= { error };
        throw error;
      }
    };
    const host: TileHost = {
      spoolPath: (frame) => this.spools.spoolPath(frame),
      // Once one tile has failed, the others stop at their next frame.
      step: local(async (frame, what) => {
        if (failure) throw failure.error;
        await step(frame, what);
      }),
      writeFrameTile: local((...a: Parameters<TileOutput['writeFrameTile']>) => output.writeFrameTile(...a)),
      writeCompositeTile: local((...a: Parameters<TileOutput['writeCompositeTile']>) => output.writeCompositeTile(...a)),
      writeSlabTile: local((...a: Parameters<TileOutput['writeSlabTile']>) => output.writeSlabTile(...a)),
      writeDepthTile: local((...a: Parameters<TileOutput['writeDepthTile']>) => output.writeDepthTile(...a)),
    };
    const proxy = Comlink.proxy(host);
    const peaks = this.workers.map(() => 0);
    const total: TileReport = { pyramidPixels: 0 };
    const drain = async (worker: PoolWorker, index: number) => {
      while (!failure && next < jobs.length) {
        const job = jobs[next++]!;
        try {
          const done = await worker.api.fuse(job, proxy);
          clock.merge(done.profile);
          total.pyramidPixels += done.report.pyramidPixels;
          peaks[index] = Math.max(peaks[index]!, done.arenaPeakBytes);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(this.workers.map(drain));
    this.arenaPeak = Math.max(this.arenaPeak, peaks.reduce((a, b) => a + b, 0));
    if (failure) throw failure.error;
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(async (w) => {
      await w.api.close().catch(() => undefined);
      w.api[Comlink.releaseProxy]();
      await w.thread.terminate();
    }));
  }
}
