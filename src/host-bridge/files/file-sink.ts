import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import { bytesPerSample } from '../../engine/pixel-format.js';
import type { OutputPlan, PixelBlock, Rect, ResultSink, StackResult } from '../../engine/types.js';
import { PsdWriter } from '../../formats/psd-writer.js';
import { RasterSpool } from '../../formats/raster-spool.js';
import { addTiffTags } from '../../formats/tiff-metadata.js';
import { createVipsSpool, finishVipsSpool } from '../../formats/vips-image.js';
import type { OutputCommit } from './commit.js';
import { colourOutputMetadata, depthMapMetadata, exifWithPrefix, type FrameMetadata, type OutputMetadata } from './metadata.js';
import { exifBlock } from '../../formats/exif.js';
import type { FileOutputs } from './output-paths.js';
import { errnoInMessage, FileSystemError, probeWrite, systemErrorLine, type ErrnoError } from './system-errors.js';
import { LAYER_NAMES } from '../layer-names.js';

export interface FileSinkOptions {
  outputs: FileOutputs;
  tempDir: string;
  frameNames: string[];
  /** Stages every output under a temporary name and moves them into place together. */
  commit: OutputCommit;
  /** The metadata of a frame (the reference, once the engine names it). */
  frameMetadata: (frame: number) => Promise<FrameMetadata>;
  /** Throws CancelledError when the run has been cancelled; checked between the writing steps. */
  checkCancelled: () => void;
}

/**
 * PSD tiles the sink takes on without keeping the engine waiting. Whoever hands over a further tile waits until
 * the tile before it is compressed, never for its own: a worker thread goes on fusing while the main thread
 * compresses, and the sink holds about two tiles at a time (peak RSS is close to the 1 GiB goal at 24 MP).
 */
const PSD_BACKLOG_TILES = 1;

/**
 * Writes engine output to files. Nothing appears at an output path until everything succeeded: each file is
 * produced under a temporary name and all are moved into place together at the end (commit.ts); abort()
 * removes all of it. Layer tiles, in whatever order and shape they come, are compressed into the PSD writer's
 * spools in the background (bounded) and the document is written at finish(). The composite and the depth map
 * are spooled as libvips images, which sharp encodes from disk.
 */
export class FileSink implements ResultSink {
  private plan?: OutputPlan;
  private psd?: PsdWriter;
  /** PSD tiles are compressed one after another, after the call that handed them over has returned. */
  private psdQueue: Promise<void> = Promise.resolve();
  private psdBacklog = 0; // tiles
  private psdFailure?: { error: unknown };
  private readonly backlogWaiters: (() => void)[] = [];
  private composite?: RasterSpool;
  private depth?: RasterSpool;
  private readonly outputs: FileOutputs;
  private readonly tempDir: string;
  private readonly frameNames: string[];

  constructor(private readonly options: FileSinkOptions) {
    this.outputs = options.outputs;
    this.tempDir = options.tempDir;
    this.frameNames = options.frameNames;
  }

  async begin(plan: OutputPlan): Promise<void> {
    this.plan = plan;
    const { crop, channels, bitDepth } = plan;
    if (this.outputs.psd) {
      this.psd = await PsdWriter.create(
        this.options.commit.stage(this.outputs.psd),
        {
          width: crop.width,
          height: crop.height,
          colorMode: channels === 3 ? 'rgb' : 'grayscale',
          depth: bitDepth,
          layers: [
            ...plan.layerOrder.map((i) => ({ name: layerName(this.frameNames[i]!), hasMask: true })),
            ...plan.slabs.map((s) => ({ name: LAYER_NAMES.slab(layerName(this.frameNames[s.first]!), layerName(this.frameNames[s.last]!)), hasMask: plan.slabMasks, hidden: !plan.slabMasks })),
            { name: LAYER_NAMES.composite(plan.mode), hasMask: false },
          ],
          format: 'auto',
        },
        this.tempDir,
      );
    }
    const bytes = bytesPerSample(bitDepth);
    if (this.outputs.composite) {
      this.composite = await createVipsSpool(join(this.tempDir, 'composite.v'), crop.width, crop.height, channels, bytes);
    }
    if (this.outputs.depth) this.depth = await createVipsSpool(join(this.tempDir, 'depth.v'), crop.width, crop.height, 1, 1);
  }

  async writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void> {
    await this.toPsd(this.plan!.layerOrder.indexOf(frame), rect, pixels, mask);
  }

  async writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    await this.toPsd(this.plan!.layerOrder.length + slab, rect, pixels, mask);
  }

  /**
   * Queues a layer tile for the PSD and returns without compressing it (after the tile before it, when the backlog
   * is full): compression starts on the next turn of the event loop, once the caller (a worker thread's message)
   * has been answered. The engine hands over blocks it no longer touches, so they are kept as they are.
   */
  private async toPsd(layer: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    const psd = this.psd;
    if (!psd) return;
    this.throwPsdFailure();
    this.psdBacklog++;
    this.psdQueue = this.psdQueue.then(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        if (!this.psdFailure) await psd.writeTile(layer, rect, pixels.data, mask?.data);
      } catch (error) {
        this.psdFailure ??= { error };
      } finally {
        this.psdBacklog--;
        for (const wake of this.backlogWaiters.splice(0)) wake();
      }
    });
    while (this.psdBacklog > PSD_BACKLOG_TILES && !this.psdFailure) await new Promise<void>((resolve) => this.backlogWaiters.push(resolve));
    this.throwPsdFailure();
  }

  private throwPsdFailure(): void {
    if (this.psdFailure) throw this.psdFailure.error;
  }

  /** Waits until every queued PSD tile is on disk; throws the first failure. */
  private async drainPsd(): Promise<void> {
    await this.psdQueue;
    this.throwPsdFailure();
  }

  async writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void> {
    await this.composite?.writeRect(rect, pixels.data);
    await this.toPsd(this.plan!.layerOrder.length + this.plan!.slabs.length, rect, pixels);
  }

  async writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void> {
    await this.depth?.writeRect(rect, depth);
  }

  async finish(result: StackResult): Promise<void> {
    const { crop } = this.plan!;
    const { checkCancelled, commit } = this.options;
    const metadata = colourOutputMetadata(await this.options.frameMetadata(result.reference), crop.width, crop.height);
    // The document, the composite and the depth map are written at the same time: the PSD is mostly file I/O
    // on this thread, the encoders run on libvips' threads.
    checkCancelled();
    const writes: Promise<void>[] = [];
    if (this.psd) writes.push(this.closePsd(metadata));
    if (this.outputs.composite && this.composite) writes.push(this.encode(this.outputs.composite, this.composite, metadata));
    if (this.outputs.depth && this.depth) writes.push(this.encode(this.outputs.depth, this.depth, depthMapMetadata(crop.width, crop.height)));
    const failed = (await Promise.allSettled(writes)).find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
    if (this.outputs.transforms) {
      const json = {
        reference: result.reference,
        crop: { left: crop.left, top: crop.top, width: crop.width, height: crop.height },
        transforms: result.frames.map((f) => f.transform),
      };
      await writeFile(commit.stage(this.outputs.transforms), JSON.stringify(json, null, 2) + '\n');
    }
    await this.closeSpools();
    checkCancelled(); // the last moment a Ctrl-C still leaves everything as it was
    commit.commit();
  }

  private async closePsd(metadata: OutputMetadata): Promise<void> {
    await this.drainPsd();
    this.options.checkCancelled();
    await this.psd!.close({ ...(metadata.icc ? { iccProfile: metadata.icc } : {}), exif: exifBlock(metadata.exif), xmp: metadata.xmp }, this.options.checkCancelled);
    this.psd = undefined;
  }

  /**
   * Encodes a spooled image to `target` (under its temporary name) with sharp, reading the spool from disk.
   * The pixels keep the frames' colour space: the profile is attached, never applied.
   */
  private async encode(target: string, spool: RasterSpool, metadata: OutputMetadata): Promise<void> {
    const ext = extname(target).toLowerCase();
    const jpeg = ext === '.jpg' || ext === '.jpeg';
    const tiff = ext === '.tif' || ext === '.tiff';
    await finishVipsSpool(spool, {
      ...(metadata.icc ? { icc: metadata.icc } : {}),
      exif: exifWithPrefix(metadata.exif),
      xmp: metadata.xmp,
      ...(metadata.density ? { density: metadata.density } : {}),
    });
    // JPEG is 8-bit only: libvips scales 16-bit results down to 8 bits.
    const wide = spool.bytesPerSample === 2 && !jpeg;
    const space = spool.channels === 3 ? (wide ? 'rgb16' : 'srgb') : wide ? 'grey16' : 'b-w';
    let img = sharp(spool.path, { limitInputPixels: false }).keepIccProfile().keepExif().keepXmp().toColourspace(space);
    // sharp's TIFF writer takes the resolution as options (pixels per mm) rather than from the image.
    const pixelsPerMm = (metadata.density ?? 72) / 25.4;
    if (tiff) img = img.tiff({ compression: 'lzw', predictor: 'horizontal', xres: pixelsPerMm, yres: pixelsPerMm, resolutionUnit: 'inch' });
    else if (ext === '.png') img = img.png({ compressionLevel: 6 });
    else if (jpeg) img = img.jpeg({ quality: 95, chromaSubsampling: '4:4:4' });
    else throw new Error(`${target}: unsupported output format ${ext}`); // checkOutputNames refused it before the run
    const partial = this.options.commit.stage(target);
    try {
      await img.toFile(partial);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      const code = errnoInMessage(message) ?? (await probeWrite(dirname(partial)));
      throw new FileSystemError(code ? systemErrorLine({ code } as ErrnoError, target, 'output') : `${target}: could not write the image (${message}); check the disk and try again.`);
    }
    // libvips' TIFF writer keeps the ICC profile and XMP but not EXIF: added here.
    if (tiff) await addTiffTags(partial, metadata.exif);
  }

  private async closeSpools(): Promise<void> {
    await this.composite?.close();
    await this.depth?.close();
    this.composite = undefined;
    this.depth = undefined;
  }

  async abort(): Promise<void> {
    // Tiles still queued are dropped; the one being written finishes before its spool is removed.
    this.psdFailure ??= { error: new Error('aborted') };
    await this.psdQueue;
    await this.psd?.abort();
    this.psd = undefined;
    await this.closeSpools().catch(() => undefined);
    this.options.commit.discard();
  }
}

function layerName(file: string): string {
  const ext = extname(file);
  return basename(file, ext);
}
