import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import sharp from 'sharp';
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
 * Writes engine output to files. Nothing appears at an output path until everything succeeded: each file is
 * produced under a temporary name and all are moved into place together at the end (commit.ts); abort()
 * removes all of it. Tiles that span the full width stream straight into the PSD writer; narrower tiles go
 * through raw spools first. The composite and the depth map are spooled as libvips images, which sharp
 * encodes from disk.
 */
export class FileSink implements ResultSink {
  private plan?: OutputPlan;
  private psd?: PsdWriter;
  private layerSpools = new Map<number, { pixels: RasterSpool; mask?: RasterSpool }>();
  /** Per layer: the next row the PSD expects, and full-width bands that arrived before it. */
  private readonly nextRow = new Map<number, number>();
  private readonly waiting = new Map<number, Rect[]>();
  private readonly layerQueue = new Map<number, Promise<void>>();
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
    const bytes = bitDepth === 16 ? 2 : 1;
    if (this.outputs.composite || this.psd) {
      this.composite = await createVipsSpool(join(this.tempDir, 'composite.v'), crop.width, crop.height, channels, bytes);
    }
    if (this.outputs.depth) this.depth = await createVipsSpool(join(this.tempDir, 'depth.v'), crop.width, crop.height, 1, 1);
  }

  private fullWidth(rect: Rect): boolean {
    return rect.left === 0 && rect.width === this.plan!.crop.width;
  }

  async writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void> {
    await this.writeLayerTile(this.plan!.layerOrder.indexOf(frame), rect, pixels, mask);
  }

  async writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    await this.writeLayerTile(this.plan!.layerOrder.length + slab, rect, pixels, mask);
  }

  /**
   * Full-width tiles go straight into the PSD in row order; one that arrives early (worker threads finish tiles
   * in any order) waits in the layer's spool until the rows above it are written. Narrower tiles all go through
   * the spool and are written at finish().
   */
  private writeLayerTile(layer: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    // One layer's tiles are handled one at a time: concurrent tiles must not race on its next row and spool.
    const done = (this.layerQueue.get(layer) ?? Promise.resolve()).then(() => this.placeLayerTile(layer, rect, pixels, mask));
    this.layerQueue.set(layer, done.catch(() => undefined));
    return done;
  }

  private async placeLayerTile(layer: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    if (!this.psd) return;
    const next = this.nextRow.get(layer) ?? 0;
    if (this.fullWidth(rect) && rect.top === next) {
      await this.psd.writeLayerBand(layer, rect.top, pixels.data, mask?.data);
      await this.flushWaiting(layer, rect.top + rect.height);
      return;
    }
    const spool = await this.layerSpool(layer, Boolean(mask));
    await spool.pixels.writeRect(rect, pixels.data);
    if (mask) await spool.mask!.writeRect(rect, mask.data);
    if (this.fullWidth(rect)) this.waiting.set(layer, [...(this.waiting.get(layer) ?? []), rect]);
  }

  /** Writes the layer's spooled full-width bands that continue at `row`, in order. */
  private async flushWaiting(layer: number, row: number): Promise<void> {
    const waiting = this.waiting.get(layer) ?? [];
    for (let band = waiting.find((r) => r.top === row); band; band = waiting.find((r) => r.top === row)) {
      const spool = this.layerSpools.get(layer)!;
      await this.psd!.writeLayerBand(layer, band.top, await spool.pixels.readRect(band), spool.mask ? await spool.mask.readRect(band) : undefined);
      waiting.splice(waiting.indexOf(band), 1);
      row = band.top + band.height;
    }
    this.nextRow.set(layer, row);
    if (waiting.length === 0) {
      this.waiting.delete(layer);
      // Every band went out in order: the spool (if any) holds nothing finish() must write.
      const spool = this.layerSpools.get(layer);
      if (spool && row === this.plan!.crop.height) {
        await spool.pixels.close();
        await spool.mask?.close();
        this.layerSpools.delete(layer);
      }
    }
  }

  private async layerSpool(layer: number, withMask: boolean): Promise<{ pixels: RasterSpool; mask?: RasterSpool }> {
    let spool = this.layerSpools.get(layer);
    if (!spool) {
      const { crop, channels, bitDepth } = this.plan!;
      const bytes = bitDepth === 16 ? 2 : 1;
      spool = {
        pixels: await RasterSpool.create(join(this.tempDir, `layer-${layer}.raw`), crop.width, crop.height, channels, bytes),
        ...(withMask ? { mask: await RasterSpool.create(join(this.tempDir, `mask-${layer}.raw`), crop.width, crop.height, 1, bytes) } : {}),
      };
      this.layerSpools.set(layer, spool);
    }
    return spool;
  }

  async writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void> {
    await this.composite?.writeRect(rect, pixels.data);
  }

  async writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void> {
    await this.depth?.writeRect(rect, depth);
  }

  async finish(result: StackResult): Promise<void> {
    const { crop, layerOrder, slabs } = this.plan!;
    const { checkCancelled, commit } = this.options;
    const band = 256;
    const metadata = colourOutputMetadata(await this.options.frameMetadata(result.reference), crop.width, crop.height);
    for (const [layer, spool] of this.layerSpools) {
      for (let top = 0; top < crop.height; top += band) {
        checkCancelled();
        const rect = { left: 0, top, width: crop.width, height: Math.min(band, crop.height - top) };
        await this.psd!.writeLayerBand(layer, top, await spool.pixels.readRect(rect), spool.mask ? await spool.mask.readRect(rect) : undefined);
      }
    }
    if (this.psd && this.composite) {
      for (let top = 0; top < crop.height; top += band) {
        checkCancelled();
        const rect = { left: 0, top, width: crop.width, height: Math.min(band, crop.height - top) };
        await this.psd.writeLayerBand(layerOrder.length + slabs.length, top, await this.composite.readRect(rect));
      }
    }
    if (this.psd) {
      checkCancelled();
      await this.psd.close({ ...(metadata.icc ? { iccProfile: metadata.icc } : {}), exif: exifBlock(metadata.exif), xmp: metadata.xmp });
      this.psd = undefined;
    }
    if (this.outputs.composite && this.composite) {
      checkCancelled();
      await this.encode(this.outputs.composite, this.composite, metadata);
    }
    if (this.outputs.depth && this.depth) {
      checkCancelled();
      await this.encode(this.outputs.depth, this.depth, depthMapMetadata(crop.width, crop.height));
    }
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
    for (const s of this.layerSpools.values()) {
      await s.pixels.close();
      await s.mask?.close();
    }
    this.layerSpools.clear();
    await this.composite?.close();
    await this.depth?.close();
    this.composite = undefined;
    this.depth = undefined;
  }

  async abort(): Promise<void> {
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
