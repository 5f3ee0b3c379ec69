import { readdir, rm, stat, statfs } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { stackFrames } from '../../engine/pipeline.js';
import { cancelTokenFrom } from '../../engine/progress.js';
import type { StackResult } from '../../engine/types.js';
import type { Kernels } from '../../wasm/kernels.js';
import { CancelledError, InputError, type FrameEntry, type StackHost, type StackRequest } from '../index.js';
import { OutputCommit, removeStalePartials } from './commit.js';
import { FileFrameSource, frameWarnings, probeImages, type ImageFileInfo } from './file-frames.js';
import { FileSink } from './file-sink.js';
import { makeTempDir, removeStaleTempDirs, untrackLeftover } from './leftovers.js';
import { readFrameMetadata, writtenByPlanewise } from './metadata.js';
import { checkOutputNames, checkOutputPaths, makeOutputFolders, outputList, type FileOutputs } from './output-paths.js';
import { explainFailure } from './failure.js';
import { FileSystemError, isErrnoError, systemErrorLine } from './system-errors.js';
import { WorkerPool } from './worker-pool.js';

export * from '../index.js';
export type { FileOutputs } from './output-paths.js';
export { OutputPathError } from './output-paths.js';
export { FileSystemError } from './system-errors.js';
export { removeLeftoversNow } from './leftovers.js';
export { loadNodeKernels, packageRoot } from './node-kernels.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff']);
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Messages for the user that are not errors: warnings about the frames, files skipped. */
export type NoticeListener = (notice: { kind: 'warning' | 'note'; message: string }) => void;

/**
 * Expands the command line's inputs: a folder contributes its JPEG/PNG/TIFF files, except those Planewise
 * wrote (a previous run's outputs saved beside the frames; reported through `onNotice`); files are taken as
 * given. Frames are ordered by file name (natural order: frame_2 before frame_10).
 */
export async function resolveInputs(inputs: string[], onNotice?: NoticeListener): Promise<string[]> {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    const st = await stat(input).catch((error: unknown) => error as Error);
    if (st instanceof Error) {
      if (isErrnoError(st) && st.code !== 'ENOENT') throw new FileSystemError(systemErrorLine(st, input, 'input'));
      throw new InputError(`${input}: not found (no such file or folder); check the path.`);
    }
    if (!st.isDirectory()) {
      files.push(input);
      continue;
    }
    let names: string[];
    try {
      names = await readdir(input);
    } catch (error) {
      if (isErrnoError(error)) throw new FileSystemError(systemErrorLine(error, input, 'input'));
      throw error;
    }
    const entries = names.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()) && !f.startsWith('.'));
    if (entries.length === 0) throw new InputError(`${input}: the folder holds no JPEG, PNG or TIFF files.`);
    for (const name of entries) {
      const path = join(input, name);
      const meta = await sharp(path, { limitInputPixels: false }).metadata().catch(() => undefined);
      if (meta && writtenByPlanewise(meta)) skipped.push(name);
      else files.push(path);
    }
  }
  if (skipped.length) {
    onNotice?.({ kind: 'note', message: `skipped ${skipped.length === 1 ? 'a file' : `${skipped.length} files`} that Planewise wrote (${skipped.join(', ')}); name ${skipped.length === 1 ? 'it' : 'them'} explicitly to stack ${skipped.length === 1 ? 'it' : 'them'} anyway.` });
  }
  return files.sort((a, b) => byName.compare(a, b));
}

/**
 * Refuses up front when the temporary folder cannot hold the decoded stack (every frame is decoded once
 * into a raw file there; README "What it costs").
 */
async function checkTempSpace(tempDir: string, infos: ImageFileInfo[]): Promise<void> {
  const fs = await statfs(tempDir).catch(() => undefined);
  if (!fs) return;
  const wide = infos.some((i) => i.bitDepth === 16) ? 2 : 1;
  const channels = infos.some((i) => i.channels === 3) ? 3 : 1;
  const need = infos.length * infos[0]!.width * infos[0]!.height * channels * wide;
  const free = fs.bavail * fs.bsize;
  if (free < need) {
    const mib = (n: number) => `${Math.ceil(n / 1048576)} MiB`;
    throw new FileSystemError(`${tmpdir()}: the decoded frames need about ${mib(need)} of temporary space but only ${mib(free)} is free; free some space or set TMPDIR to a folder on a disk with more room.`);
  }
}

export interface FileHostOptions {
  /** Worker threads aligning and fusing; 1 does both on the calling thread. Default: every core. */
  threads?: number;
  /** Warnings about the frames and notes about skipped files, before the run. */
  onNotice?: NoticeListener;
}

/** The files host: image files in, PSD / composite / depth map / transforms out. */
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

  /**
   * Checks everything that can be checked before the work (outputs, then inputs, then temporary space),
   * runs the engine and commits the outputs all together. Throws InputError, FileSystemError (one line
   * each), OutputPathError (a usage mistake) or CancelledError; on any of them no output has changed.
   */
  async stack(request: StackRequest = {}): Promise<StackResult> {
    checkOutputNames(this.outputs);
    let files = request.frames ?? (await resolveInputs(this.inputs, this.options.onNotice));
    if (request.reverse) files = [...files].reverse();
    await checkOutputPaths(this.outputs, files);
    const infos = await probeImages(files);
    for (const message of frameWarnings(infos)) this.options.onNotice?.({ kind: 'warning', message });
    await removeStaleTempDirs();
    await removeStalePartials(outputList(this.outputs).map(([, path]) => resolve(path)));
    const cancelled = () => {
      if (request.signal?.aborted) throw new CancelledError();
    };
    cancelled();
    const temp = await makeTempDir();
    const commit = new OutputCommit();
    const source = new FileFrameSource(infos, temp);
    let undoFolders = async () => {};
    let pool: WorkerPool | undefined;
    try {
      await checkTempSpace(temp, infos);
      undoFolders = await makeOutputFolders(this.outputs);
      const sink = new FileSink({
        outputs: this.outputs,
        tempDir: temp,
        frameNames: infos.map((i) => i.name),
        commit,
        frameMetadata: (frame) => readFrameMetadata(infos[frame]!.path),
        checkCancelled: cancelled,
      });
      const threads = Math.max(1, Math.floor(this.options.threads ?? availableParallelism()));
      pool = threads > 1 ? await WorkerPool.start(threads, this.kernels.kind, source.info, source) : undefined;
      const result = await stackFrames(source, sink, this.kernels, {
        ...request.options,
        // Without a layered document there is nothing to put layers in, so the run skips making them.
        ...(this.outputs.psd ? {} : { layers: 'none' as const }),
        depthMap: Boolean(this.outputs.depth),
        fuse: Boolean(this.outputs.psd || this.outputs.composite || this.outputs.depth),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        ...(request.signal ? { cancel: cancelTokenFrom(request.signal) } : {}),
        ...(pool ? { tileRunner: pool, linkRunner: pool } : {}),
      });
      if (pool) result.arenaPeakBytes = Math.max(result.arenaPeakBytes, pool.arenaPeakBytes);
      return result;
    } catch (error) {
      commit.discard();
      await undoFolders();
      throw explainFailure(error, temp);
    } finally {
      await pool?.close().catch(() => undefined);
      await source.close().catch(() => undefined);
      await rm(temp, { recursive: true, force: true });
      untrackLeftover(temp);
    }
  }
}
