import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Rect } from '../engine/types.js';
import { packBitsBound, packChunks } from './packbits.js';
import { LayerSpool } from './psd-layer-spool.js';
import { withPath, writeAll } from './raster-spool.js';

/**
 * A streaming writer for layered Photoshop documents (PSD, or PSB when large), following Adobe's
 * "Photoshop File Formats Specification". Written by hand because ag-psd and similar libraries need every
 * layer's pixels in memory at once. Here layers arrive as tiles in any order; each tile is compressed as it
 * arrives into a temporary file per layer (psd-layer-spool.ts), and close() writes the document from them, a
 * band of rows at a time. Memory: the per-row byte counts and one band.
 *
 * Encoding: 8-bit channels use PackBits RLE (compression 1), as Photoshop does, in fixed 128-column pieces so
 * the bytes do not depend on the tiles (packbits.ts); 16-bit channels are stored raw (compression 0) — valid
 * and readable everywhere, at the cost of size (the specification's RLE works on bytes, but not every reader
 * decodes it at 16 bits: ag-psd reads it as 8-bit samples; and ZIP needs one deflate stream per channel).
 *
 * The document is written at the path given, in one go at close(); the caller chooses a temporary name
 * and moves it into place (the files host commits all outputs together).
 */

export interface PsdLayerSpec {
  name: string;
  hasMask: boolean;
  hidden?: boolean;
}

export interface PsdSpec {
  width: number;
  height: number;
  colorMode: 'rgb' | 'grayscale';
  depth: 8 | 16;
  /** Bottom to top. The LAST layer is also written as the flattened merged image. */
  layers: PsdLayerSpec[];
  /** auto: PSB when a side exceeds 30000 px or the document could exceed 2 GB. */
  format?: 'auto' | 'psd' | 'psb';
}

/** Image resources that describe the document (Photoshop File Formats Specification, "Image Resource IDs"). */
export interface PsdMetadata {
  /** 1039: ICC profile. */
  iccProfile?: Uint8Array;
  /** 1058: EXIF data 1, a TIFF-structured block (no "Exif" prefix). */
  exif?: Uint8Array;
  /** 1060: XMP metadata, UTF-8. */
  xmp?: string;
}

/** Channel IDs of a layer record, in the order its data is written (spec: "Channel information"). */
const ALPHA = -1;
const MASK = -2;

const PSD_MAX_SIDE = 30000;
const PSD_MAX_BYTES = 2 ** 31 - 1;
const FLUSH_BYTES = 8 * 1024 * 1024;

export class PsdWriter {
  private readonly colourChannels: number;
  private closed = false;

  private constructor(
    private readonly path: string, private readonly spec: PsdSpec, readonly format: 'psd' | 'psb', private readonly spools: LayerSpool[],
  ) {
    this.colourChannels = spec.colorMode === 'rgb' ? 3 : 1;
  }

  private static formatFor(spec: PsdSpec): 'psd' | 'psb' {
    const channels = spec.colorMode === 'rgb' ? 3 : 1;
    const estimate = spec.layers.length * spec.width * spec.height * (channels + 2) * (spec.depth / 8);
    const auto = spec.width > PSD_MAX_SIDE || spec.height > PSD_MAX_SIDE || estimate > PSD_MAX_BYTES * 0.9 ? 'psb' : 'psd';
    const format = !spec.format || spec.format === 'auto' ? auto : spec.format;
    if (format === 'psd' && (spec.width > PSD_MAX_SIDE || spec.height > PSD_MAX_SIDE)) {
      throw new Error(`PSD documents are limited to ${PSD_MAX_SIDE} px a side; this one is ${spec.width}x${spec.height}: use PSB`);
    }
    return format;
  }

  static async create(path: string, spec: PsdSpec, tempDir: string): Promise<PsdWriter> {
    if (!(spec.width > 0 && spec.height > 0)) throw new Error(`invalid document size ${spec.width}x${spec.height}`);
    if (spec.layers.length === 0) throw new Error('a document needs at least one layer');
    const format = PsdWriter.formatFor(spec);
    const run = randomUUID().slice(0, 8);
    const colourChannels = spec.colorMode === 'rgb' ? 3 : 1;
    const spools: LayerSpool[] = [];
    try {
      for (const [i, layer] of spec.layers.entries()) {
        spools.push(await LayerSpool.create(join(tempDir, `psd-${run}-${i}.bin`), {
          width: spec.width, height: spec.height, colourChannels, hasMask: layer.hasMask, depth: spec.depth,
        }));
      }
    } catch (error) {
      await Promise.all(spools.map((s) => s.remove()));
      throw error;
    }
    return new PsdWriter(path, spec, format, spools);
  }

  /**
   * One tile of a layer: `rect` in document pixels, `pixels` interleaved (rect.width x rect.height), `mask` (single
   * channel) when the layer has one. Tiles may come in any order and any shape; together they must cover each
   * layer exactly once by close(). The samples are encoded before this returns its promise, so the caller may
   * reuse its arrays at once; the promise settles when they are on disk.
   */
  writeTile(layer: number, rect: Rect, pixels: Uint8Array | Uint16Array, mask?: Uint8Array | Uint16Array): Promise<void> {
    const spool = this.spools[layer];
    if (!spool || this.closed) return Promise.reject(new Error(this.closed ? 'document already closed' : `no layer ${layer}`));
    const { width, height, depth } = this.spec;
    const where = `layer ${layer}, tile ${rect.width}x${rect.height} at ${rect.left},${rect.top}`;
    if (!(rect.left >= 0 && rect.top >= 0 && rect.width > 0 && rect.height > 0 && rect.left + rect.width <= width && rect.top + rect.height <= height)) {
      return Promise.reject(new Error(`${where}: outside the ${width}x${height} document`));
    }
    if ((depth === 8) !== (pixels instanceof Uint8Array)) return Promise.reject(new Error(`${where}: a ${depth}-bit document needs ${depth === 8 ? 'Uint8Array' : 'Uint16Array'} pixels`));
    if (pixels.length !== rect.width * rect.height * this.colourChannels) return Promise.reject(new Error(`${where}: ${pixels.length} samples for ${rect.width * rect.height * this.colourChannels}`));
    const hasMask = this.spec.layers[layer]!.hasMask;
    if (hasMask && (!mask || mask.length !== rect.width * rect.height || (depth === 8) !== (mask instanceof Uint8Array))) return Promise.reject(new Error(`${where}: mask missing or of the wrong size`));
    if (!hasMask && mask) return Promise.reject(new Error(`${where}: layer ${layer} has no mask`));
    return spool.add(rect, pixels, mask);
  }

  private get rle(): boolean {
    return this.spec.depth === 8;
  }

  /** Encoded bytes of one all-opaque row (the transparency channel). */
  private opaqueRow(): Uint8Array {
    const { width } = this.spec;
    if (!this.rle) return new Uint8Array(2 * width).fill(255);
    const out = new Uint8Array(packBitsBound(width));
    return out.subarray(0, packChunks(new Uint8Array(width).fill(255), 0, 1, 0, width, out, 0));
  }

  /**
   * Writes the document; on failure nothing is left at its path. `between` runs between layers (a cancel check
   * may throw there).
   */
  async close(metadata: PsdMetadata = {}, between: () => void = () => undefined): Promise<void> {
    if (this.closed) throw new Error('document already closed');
    try {
      await Promise.all(this.spools.map((s) => s.flush()));
      this.spools.forEach((s, i) => {
        const gap = s.coverageGap();
        if (gap) throw new Error(`layer ${i} ("${this.spec.layers[i]!.name}"): ${gap}`);
      });
      const counts: (Uint32Array | undefined)[][] = [];
      for (const spool of this.spools) {
        between();
        const layer: Uint32Array[] = [];
        if (this.rle) for (let c = 0; c < spool.channels; c++) layer.push(await spool.rowCounts(c));
        counts.push(layer);
      }
      const document: Layout = { counts, opaqueRow: this.opaqueRow() };
      await withPath(this.path, async () => {
        const out = await open(this.path, 'w');
        try {
          const w = new Writer(out);
          this.writeHeader(w, metadata);
          await this.writeLayerSection(w, document, between);
          await this.writeMergedImage(w, document);
          await w.flush();
        } finally {
          await out.close();
        }
      });
    } catch (error) {
      await rm(this.path, { force: true });
      throw error;
    } finally {
      this.closed = true;
      await this.removeTemp();
    }
  }

  async abort(): Promise<void> {
    this.closed = true;
    await this.removeTemp();
    await rm(this.path, { force: true });
  }

  private async removeTemp(): Promise<void> {
    await Promise.all(this.spools.map((s) => s.remove()));
  }

  private writeHeader(w: Writer, metadata: PsdMetadata): void {
    const { width, height, depth, colorMode } = this.spec;
    w.ascii('8BPS');
    w.u16(this.format === 'psb' ? 2 : 1);
    w.zeros(6);
    w.u16(this.colourChannels);
    w.u32(height);
    w.u32(width);
    w.u16(depth);
    w.u16(colorMode === 'rgb' ? 3 : 1);
    w.u32(0); // colour mode data
    const resources: [number, Uint8Array][] = [];
    if (metadata.iccProfile) resources.push([1039, metadata.iccProfile]);
    if (metadata.exif) resources.push([1058, metadata.exif]);
    if (metadata.xmp) resources.push([1060, new TextEncoder().encode(metadata.xmp)]);
    w.u32(resources.reduce((sum, [, data]) => sum + 12 + data.length + (data.length % 2), 0));
    for (const [id, data] of resources) {
      w.ascii('8BIM');
      w.u16(id);
      w.u16(0); // empty Pascal name, padded to even
      w.u32(data.length);
      w.bytes(data);
      if (data.length % 2) w.zeros(1);
    }
  }

  /** Channel IDs of layer `index` in record order: transparency, colour, then the user mask. */
  private channelIds(index: number): number[] {
    return [ALPHA, ...Array.from({ length: this.colourChannels }, (_, c) => c), ...(this.spec.layers[index]!.hasMask ? [MASK] : [])];
  }

  /** Where channel `id` of a layer is in its spool (colour channels, then the mask). */
  private spoolChannel(id: number): number {
    return id === MASK ? this.colourChannels : id;
  }

  /** Bytes of one channel's data (compression code, row counts, rows), as the layer record states them. */
  private channelDataLength(document: Layout, layer: number, id: number): number {
    const { width, height } = this.spec;
    if (!this.rle) return 2 + height * 2 * width;
    const rows = id === ALPHA ? document.opaqueRow.length * height : sum(document.counts[layer]![this.spoolChannel(id)]!);
    return 2 + height * this.countBytes + rows;
  }

  /** Bytes per entry of an RLE row-count table: 2 in PSD, 4 in PSB. */
  private get countBytes(): number {
    return this.format === 'psb' ? 4 : 2;
  }

  private layerRecord(document: Layout, index: number): Uint8Array {
    const spec = this.spec.layers[index]!;
    const { width, height } = this.spec;
    const r = new Writer();
    r.i32(0); r.i32(0); r.i32(height); r.i32(width);
    const channels = this.channelIds(index);
    r.u16(channels.length);
    for (const id of channels) {
      r.i16(id);
      r.len(this.channelDataLength(document, index, id), this.format);
    }
    r.ascii('8BIM');
    r.ascii('norm');
    r.u8(255); // opacity
    r.u8(0); // clipping: base
    r.u8(spec.hidden ? 2 : 0); // flags: bit 1 = invisible
    r.u8(0);
    const extra = new Writer();
    if (spec.hasMask) {
      extra.u32(20);
      extra.i32(0); extra.i32(0); extra.i32(height); extra.i32(width);
      extra.u8(0); // default colour outside the mask rectangle
      extra.u8(0); // flags
      extra.zeros(2);
    } else {
      extra.u32(0);
    }
    extra.u32(0); // blending ranges
    const ascii = Array.from(spec.name, (ch) => (ch.charCodeAt(0) < 128 ? ch : '_')).join('').slice(0, 255);
    const nameLength = 1 + ascii.length;
    extra.u8(ascii.length);
    extra.ascii(ascii);
    extra.zeros((4 - (nameLength % 4)) % 4);
    // Unicode name ('luni'), so names like "Fokus ü 1" survive.
    const units = Array.from(spec.name).flatMap((ch) => {
      const cp = ch.codePointAt(0)!;
      return cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp];
    });
    const luniLength = 4 + units.length * 2;
    const luniPadded = luniLength + ((4 - (luniLength % 4)) % 4);
    extra.ascii('8BIM');
    extra.ascii('luni');
    extra.u32(luniPadded);
    extra.u32(units.length);
    for (const u of units) extra.u16(u);
    extra.zeros(luniPadded - luniLength);
    const extraBytes = extra.take();
    r.u32(extraBytes.length);
    r.bytes(extraBytes);
    return r.take();
  }

  private async writeLayerSection(w: Writer, document: Layout, between: () => void): Promise<void> {
    const layers = this.spec.layers.map((_, i) => i);
    const records = layers.map((i) => this.layerRecord(document, i));
    const channelData = sum(layers.flatMap((i) => this.channelIds(i).map((id) => this.channelDataLength(document, i, id))));
    let layerInfo = 2 + sum(records.map((r) => r.length)) + channelData;
    const pad = layerInfo % 4 ? 4 - (layerInfo % 4) : 0;
    layerInfo += pad;
    const lenBytes = this.format === 'psb' ? 8 : 4;
    w.len(lenBytes + layerInfo + 4, this.format); // layer and mask information section
    w.len(layerInfo, this.format);
    w.i16(this.spec.layers.length);
    for (const r of records) w.bytes(r);
    for (const i of layers) {
      between();
      for (const id of this.channelIds(i)) {
        w.u16(this.rle ? 1 : 0);
        if (this.rle) w.bytes(this.countTable(document, i, id));
        await this.writeRows(w, document, i, id);
      }
      // The top layer's rows are needed once more, for the merged image.
      if (i < layers.length - 1) await this.spools[i]!.remove();
    }
    w.zeros(pad);
    w.u32(0); // global layer mask info
  }

  /** A channel's RLE row counts as the document stores them (big-endian, 2 or 4 bytes each). */
  private countTable(document: Layout, layer: number, id: number): Uint8Array {
    const { height } = this.spec;
    const table = new Uint8Array(height * this.countBytes);
    const view = new DataView(table.buffer);
    const counts = id === ALPHA ? undefined : document.counts[layer]![this.spoolChannel(id)]!;
    for (let y = 0; y < height; y++) {
      const n = counts ? counts[y]! : document.opaqueRow.length;
      if (this.countBytes === 4) view.setUint32(4 * y, n);
      else view.setUint16(2 * y, n);
    }
    return table;
  }

  private async writeRows(w: Writer, document: Layout, layer: number, id: number): Promise<void> {
    if (id === ALPHA) {
      for (let y = 0; y < this.spec.height; y++) {
        w.bytes(document.opaqueRow);
        await w.maybeFlush();
      }
      return;
    }
    const expected = document.counts[layer]![this.spoolChannel(id)];
    for await (const band of this.spools[layer]!.rowBands(this.spoolChannel(id))) {
      // The counts were taken from the same tiles; a difference would be a bug that corrupts the document.
      if (expected && band.counts.some((n, y) => n !== expected[band.y0 + y])) throw new Error(`layer ${layer}, channel ${id}: row sizes changed while writing`);
      await w.block(band.bytes);
    }
  }

  /** The image data section: the top layer's colour channels, all row counts first, then the data. */
  private async writeMergedImage(w: Writer, document: Layout): Promise<void> {
    const top = this.spec.layers.length - 1;
    const colour = Array.from({ length: this.colourChannels }, (_, c) => c);
    w.u16(this.rle ? 1 : 0);
    if (this.rle) for (const c of colour) w.bytes(this.countTable(document, top, c));
    for (const c of colour) await this.writeRows(w, document, top, c);
  }
}

/** What the document's headers need to know of the channel data before it is written. */
interface Layout {
  /** RLE row counts per layer, per spooled channel (empty for raw channels). */
  counts: (Uint32Array | undefined)[][];
  /** One encoded all-opaque row. */
  opaqueRow: Uint8Array;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Big-endian byte writer with an optional file behind it (flushed in chunks). */
class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  constructor(private readonly file?: FileHandle) {}

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }
  private scalar(n: number, write: (v: DataView) => void): void {
    write(this.scratch);
    this.push(new Uint8Array(this.scratch.buffer.slice(0, n)));
  }
  u8(v: number) { this.push(Uint8Array.of(v & 0xff)); }
  u16(v: number) { this.scalar(2, (d) => d.setUint16(0, v)); }
  i16(v: number) { this.scalar(2, (d) => d.setInt16(0, v)); }
  u32(v: number) { this.scalar(4, (d) => d.setUint32(0, v)); }
  i32(v: number) { this.scalar(4, (d) => d.setInt32(0, v)); }
  u64(v: number) { this.scalar(8, (d) => d.setBigUint64(0, BigInt(v))); }
  /** A section or channel length: 4 bytes in PSD, 8 in PSB. */
  len(v: number, format: 'psd' | 'psb') {
    if (format === 'psb') this.u64(v);
    else this.u32(v);
  }
  ascii(s: string) { this.push(Uint8Array.from(s, (ch) => ch.charCodeAt(0))); }
  zeros(n: number) { if (n > 0) this.push(new Uint8Array(n)); }
  bytes(b: Uint8Array) { this.push(b); }

  take(): Uint8Array {
    const out = concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return out;
  }
  async maybeFlush(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.file || this.size === 0) return;
    const data = this.take();
    await writeAll(this.file, data, null);
  }
  /** Writes `bytes` straight to the file after what is pending (`bytes` may be reused once this resolves). */
  async block(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await writeAll(this.file!, bytes, null);
  }
}
