import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import type { OutputPlan, PixelBlock, Rect, ResultSink, StackResult } from '../../engine/types.js';
import { PsdWriter } from '../../formats/psd-writer.js';
import { RasterSpool } from '../../formats/raster-spool.js';
import { LAYER_NAMES } from '../layer-names.js';

export interface FileOutputs {
  /** Layered PSD (or PSB when too large): aligned frames with masks, composite on top. */
  psd?: string;
  /** Flattened composite: .tif/.tiff (16-bit when the input is), .png (likewise), .jpg/.jpeg (8-bit). */
  composite?: string;
  /** 8-bit grayscale depth map, 0 = first frame (near), 255 = last (far). */
  depth?: string;
  /** JSON with reference, crop and the per-frame 2x3 transforms. */
  transforms?: string;
}

export const COMPOSITE_EXTENSIONS = ['.tif', '.tiff', '.png', '.jpg', '.jpeg'];

/**
 * Writes engine output to files. Nothing appears at an output path until everything succeeded: each file is
 * produced under a temporary name and renamed at the end; abort() removes all of it. Tiles that span the
 * full width stream straight into the PSD writer; narrower tiles go through raw spools first.
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
  private readonly pending: string[] = [];

  constructor(
    private readonly outputs: FileOutputs,
    private readonly tempDir: string,
    private readonly frameNames: string[],
    private readonly iccProfile?: Uint8Array,
  ) {}

  async begin(plan: OutputPlan): Promise<void> {
    this.plan = plan;
    const { crop, channels, bitDepth } = plan;
    if (this.outputs.psd) {
      this.psd = await PsdWriter.create(
        this.outputs.psd,
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
          ...(this.iccProfile ? { iccProfile: this.iccProfile } : {}),
        },
        this.tempDir,
      );
    }
    const bytes = bitDepth === 16 ? 2 : 1;
    if (this.outputs.composite || this.psd) {
      this.composite = await RasterSpool.create(join(this.tempDir, 'composite.raw'), crop.width, crop.height, channels, bytes);
    }
    if (this.outputs.depth) this.depth = await RasterSpool.create(join(this.tempDir, 'depth.raw'), crop.width, crop.height, 1, 1);
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
    const { crop, channels, bitDepth, layerOrder, slabs } = this.plan!;
    const band = 256;
    for (const [layer, spool] of this.layerSpools) {
      for (let top = 0; top < crop.height; top += band) {
        const rect = { left: 0, top, width: crop.width, height: Math.min(band, crop.height - top) };
        await this.psd!.writeLayerBand(layer, top, await spool.pixels.readRect(rect), spool.mask ? await spool.mask.readRect(rect) : undefined);
      }
    }
    if (this.psd && this.composite) {
      for (let top = 0; top < crop.height; top += band) {
        const rect = { left: 0, top, width: crop.width, height: Math.min(band, crop.height - top) };
        await this.psd.writeLayerBand(layerOrder.length + slabs.length, top, await this.composite.readRect(rect));
      }
    }
    if (this.outputs.composite && this.composite) {
      const data = await this.composite.readRect({ left: 0, top: 0, width: crop.width, height: crop.height });
      await this.encode(this.outputs.composite, data, crop.width, crop.height, channels, bitDepth);
    }
    if (this.outputs.depth && this.depth) {
      const data = await this.depth.readRect({ left: 0, top: 0, width: crop.width, height: crop.height });
      await this.encode(this.outputs.depth, data, crop.width, crop.height, 1, 8);
    }
    if (this.outputs.transforms) {
      const json = {
        reference: result.reference,
        crop: { left: crop.left, top: crop.top, width: crop.width, height: crop.height },
        transforms: result.frames.map((f) => f.transform),
      };
      const temp = this.tempName(this.outputs.transforms);
      await writeFile(temp, JSON.stringify(json, null, 2) + '\n');
    }
    if (this.psd) {
      await this.psd.close();
      this.psd = undefined;
    }
    for (const temp of this.pending) await rename(temp, temp.slice(0, temp.lastIndexOf('.partial-')));
    this.pending.length = 0;
    await this.closeSpools();
  }

  private tempName(path: string): string {
    const temp = `${path}.partial-${process.pid}`;
    this.pending.push(temp);
    return temp;
  }

  private async encode(path: string, data: Uint8Array | Uint16Array, width: number, height: number, channels: 1 | 3, bitDepth: 8 | 16): Promise<void> {
    const ext = extname(path).toLowerCase();
    const jpeg = ext === '.jpg' || ext === '.jpeg';
    // JPEG is 8-bit only: 16-bit results are rounded down to 8 bits here (65535 / 257 = 255 exactly).
    const samples = bitDepth === 16 && jpeg ? Uint8Array.from(data, (v) => Math.round(v / 257)) : data;
    const wide = samples instanceof Uint16Array;
    let img = sharp(samples, { raw: { width, height, channels } });
    if (wide) img = img.toColourspace(channels === 3 ? 'rgb16' : 'grey16');
    else if (channels === 1) img = img.toColourspace('b-w');
    const temp = this.tempName(path);
    if (ext === '.tif' || ext === '.tiff') await img.tiff({ compression: 'lzw', predictor: 'horizontal' }).toFile(temp);
    else if (ext === '.png') await img.png({ compressionLevel: 6 }).toFile(temp);
    else if (jpeg) await img.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toFile(temp);
    else throw new Error(`${path}: unsupported output format ${ext}`);
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
    for (const temp of this.pending) await rm(temp, { force: true });
    this.pending.length = 0;
  }
}

function layerName(file: string): string {
  const ext = extname(file);
  return basename(file, ext);
}
