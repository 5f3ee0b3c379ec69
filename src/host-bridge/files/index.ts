import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { stackFrames } from '../../engine/pipeline.js';
import { cancelTokenFrom } from '../../engine/progress.js';
import type { StackResult } from '../../engine/types.js';
import type { Kernels } from '../../wasm/kernels.js';
import { InputError, type FrameEntry, type StackHost, type StackRequest } from '../index.js';
import { FileFrameSource, probeImages } from './file-frames.js';
import { COMPOSITE_EXTENSIONS, FileSink, type FileOutputs } from './file-sink.js';
import { TilePool } from './tile-pool.js';

export * from '../index.js';
export type { FileOutputs } from './file-sink.js';
export { loadNodeKernels, packageRoot } from './node-kernels.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff']);
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Expands the command line's inputs: a folder contributes its JPEG/PNG/TIFF files; files are taken as given.
 * Frames are ordered by file name (natural order: frame_2 before frame_10).
 */
export async function resolveInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const st = await stat(input).catch(() => undefined);
    if (st?.isDirectory()) {
      const entries = (await readdir(input)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()) && !f.startsWith('.'));
      if (entries.length === 0) throw new InputError(`${input}: the folder holds no JPEG, PNG or TIFF files.`);
      files.push(...entries.map((f) => join(input, f)));
    } else {
      files.push(input); // missing files are reported by probeImages, naming the file
    }
  }
  return files.sort((a, b) => byName.compare(a, b));
}

/** Checks output paths before any work, so a typo costs nothing. */
export function validateOutputs(outputs: FileOutputs): void {
  const check = (path: string | undefined, allowed: string[], what: string) => {
    if (path && !allowed.includes(extname(path).toLowerCase())) {
      throw new InputError(`${path}: the ${what} must end in ${allowed.join(', ')}.`);
    }
  };
  check(outputs.psd, ['.psd', '.psb'], 'layered document');
  check(outputs.composite, COMPOSITE_EXTENSIONS, 'composite');
  check(outputs.depth, ['.png', '.tif', '.tiff'], 'depth map');
  check(outputs.transforms, ['.json'], 'transforms file');
  if (!outputs.psd && !outputs.composite && !outputs.depth && !outputs.transforms) {
    throw new InputError('Nothing to write: give at least one of --out, --composite, --depth, --transforms.');
  }
}

/** The files host: image files in, PSD / composite / depth map / transforms out. */
export interface FileHostOptions {
  /** Worker threads fusing tiles; 1 fuses on the calling thread. Default: every core. */
  threads?: number;
}

export class FileHost implements StackHost {
  constructor(
    private readonly inputs: string[],
    private readonly outputs: FileOutputs,
    private readonly kernels: Kernels,
    private readonly options: FileHostOptions = {},
  ) {}

  async listFrames(): Promise<FrameEntry[]> {
    const files = await resolveInputs(this.inputs);
    return files.map((path) => ({ id: path, name: path, usable: true }));
  }

  async stack(request: StackRequest = {}): Promise<StackResult> {
    validateOutputs(this.outputs);
    let files = request.frames ?? (await resolveInputs(this.inputs));
    if (request.reverse) files = [...files].reverse();
    const infos = await probeImages(files);
    for (const path of Object.values(this.outputs) as (string | undefined)[]) {
      if (path) await mkdir(dirname(path), { recursive: true });
    }
    const temp = await mkdtemp(join(tmpdir(), 'planewise-'));
    const source = new FileFrameSource(infos, temp);
    const sink = new FileSink(this.outputs, temp, infos.map((i) => i.name), source.iccProfile);
    const threads = Math.max(1, Math.floor(this.options.threads ?? availableParallelism()));
    const pool = threads > 1 ? await TilePool.start(threads, this.kernels.kind, source.info, source) : undefined;
    try {
      const result = await stackFrames(source, sink, this.kernels, {
        ...request.options,
        // Without a layered document there is nothing to put layers in, so the run skips making them.
        ...(this.outputs.psd ? {} : { layers: 'none' as const }),
        depthMap: Boolean(this.outputs.depth),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        ...(request.signal ? { cancel: cancelTokenFrom(request.signal) } : {}),
        ...(pool ? { tileRunner: pool } : {}),
      });
      if (pool) result.arenaPeakBytes = Math.max(result.arenaPeakBytes, pool.arenaPeakBytes);
      return result;
    } finally {
      await pool?.close();
      await source.close();
      await rm(temp, { recursive: true, force: true });
    }
  }
}
