// A pool worker: its own wasm instance and arena, registering the alignment links and fusing the tiles the main
// thread hands it. Links arrive as plain data; tile frames come from the raw spools the main thread decodes, and
// results go back through the main thread's sink.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { PairFit, PairModel } from '../../engine/align-pair.js';
import { registerImages, type PyramidImage } from '../../engine/analysis-frame.js';
import { bytesPerSample, fullScale } from '../../engine/pixel-format.js';
import { ReadBuffers } from '../../engine/aligned-frame.js';
import { StageClock, type StageSeconds } from '../../engine/profile.js';
import { fuseTile, type TileJob, type TileOutput, type TileReport } from '../../engine/tile-fusion.js';
import type { FrameSource, PixelBlock, ReadRequest, StackInfo } from '../../engine/types.js';
import type { RasterSpool } from '../../formats/raster-spool.js';
import { openVipsSpool } from '../../formats/vips-image.js';
import type { Kernels, KernelKind } from '../../wasm/kernels.js';
import { loadNodeKernels } from './node-kernels.js';

/** What a worker asks of the main thread while it fuses a tile. */
export interface TileHost extends TileOutput {
  /** Path of frame `frame`'s raw spool, decoded on demand. */
  spoolPath(frame: number): Promise<string>;
  /** After each frame of each pass: progress, and a rejection when the run is cancelled. */
  step(frame: number, what: string): Promise<void>;
}

export interface PoolWorkerApi {
  init(kernels: KernelKind | undefined, info: StackInfo): Promise<KernelKind>;
  register(template: PyramidImage, image: PyramidImage, model: PairModel): Promise<PairFit>;
  fuse(job: TileJob, host: TileHost): Promise<{ profile: StageSeconds; arenaPeakBytes: number; report: TileReport }>;
  close(): Promise<void>;
}

/** Frames by rectangle from the spools (workers never need the downscaled reads: alignment is done). */
class SpoolSource implements FrameSource {
  private readonly spools = new Map<number, Promise<RasterSpool>>();
  host?: TileHost;

  constructor(readonly info: StackInfo) {}

  async read(frame: number, request: ReadRequest = {}): Promise<PixelBlock> {
    const { width, height, channels, bitDepth } = this.info;
    const rect = request.rect ?? { left: 0, top: 0, width, height };
    let spool = this.spools.get(frame);
    if (!spool) {
      spool = this.host!.spoolPath(frame).then((path) => openVipsSpool(path, width, height, channels, bytesPerSample(bitDepth)));
      this.spools.set(frame, spool);
    }
    const data = await (await spool).readRect(rect, request.buffer);
    return { width: rect.width, height: rect.height, channels, data, maxValue: fullScale(bitDepth) };
  }

  async close(): Promise<void> {
    for (const spool of this.spools.values()) await (await spool).close();
    this.spools.clear();
  }
}

let kernels: Kernels | undefined;
const buffers = new ReadBuffers();
let source: SpoolSource | undefined;

const api: PoolWorkerApi = {
  async init(kind, info) {
    kernels = await loadNodeKernels(kind);
    source = new SpoolSource(info);
    return kernels.kind;
  },
  async register(template, image, model) {
    return registerImages(kernels!, template, image, model);
  },
  async fuse(job, host) {
    source!.host = host;
    const clock = new StageClock();
    // Pixel blocks cross to the main thread by transfer, not copy.
    const moved = (block: PixelBlock) => Comlink.transfer(block, [block.data.buffer]);
    const output: TileOutput = {
      writeFrameTile: (frame, rect, pixels, mask) => host.writeFrameTile(frame, rect, moved(pixels), moved(mask)),
      writeCompositeTile: (rect, pixels) => host.writeCompositeTile(rect, moved(pixels)),
      writeSlabTile: (slab, rect, pixels, mask) => host.writeSlabTile(slab, rect, moved(pixels), mask && moved(mask)),
      writeDepthTile: (rect, depth) => host.writeDepthTile(rect, Comlink.transfer(depth, [depth.buffer])),
    };
    const report = await fuseTile(source!, output, kernels!, job, (frame, what) => host.step(frame, what), clock, buffers);
    return { profile: clock.seconds, arenaPeakBytes: kernels!.arena.peak, report };
  },
  async close() {
    await source?.close();
  },
};

Comlink.expose(api, nodeEndpoint(parentPort!));
