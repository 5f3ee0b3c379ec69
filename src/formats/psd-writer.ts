import { appendFile, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { withPath, writeAll } from './raster-spool.js';

/**
 * A streaming writer for layered Photoshop documents (PSD, or PSB when large), following Adobe's
 * "Photoshop File Formats Specification". Written by hand because ag-psd and similar libraries need every
 * layer's pixels in memory at once; here each band of rows is compressed as it arrives and appended to a
 * temporary file per channel, and close() concatenates them into the document. Memory: the per-row byte
 * counts only.
 *
 * Encoding: 8-bit channels use PackBits RLE (compression 1), as Photoshop does; 16-bit channels are stored
 * raw (compression 0) — valid and readable everywhere, at the cost of size (PackBits on 16-bit data is not
 * read by all readers, and ZIP needs one deflate stream per channel alive across the whole run).
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

interface ChannelStore {
  id: number;
  path: string;
  /** Compressed byte count per row (RLE only). */
  rowBytes: Uint32Array;
  bytes: number;
}

interface LayerState {
  channels: ChannelStore[];
  rows: number;
}

const PSD_MAX_SIDE = 30000;
const PSD_MAX_BYTES = 2 ** 31 - 1;
const COPY_CHUNK = 8 * 1024 * 1024;

export class PsdWriter {
  readonly format: 'psd' | 'psb';
  private readonly layers: LayerState[];
  private readonly colourChannels: number;
  private closed = false;

  private constructor(private readonly path: string, private readonly spec: PsdSpec, tempDir: string) {
    this.colourChannels = spec.colorMode === 'rgb' ? 3 : 1;
    const estimate = spec.layers.length * spec.width * spec.height * (this.colourChannels + 2) * (spec.depth / 8);
    const auto = spec.width > PSD_MAX_SIDE || spec.height > PSD_MAX_SIDE || estimate > PSD_MAX_BYTES * 0.9 ? 'psb' : 'psd';
    this.format = !spec.format || spec.format === 'auto' ? auto : spec.format;
    if (this.format === 'psd' && (spec.width > PSD_MAX_SIDE || spec.height > PSD_MAX_SIDE)) {
      throw new Error(`PSD documents are limited to ${PSD_MAX_SIDE} px a side; this one is ${spec.width}x${spec.height}: use PSB`);
    }
    const run = randomUUID().slice(0, 8);
    this.layers = spec.layers.map((layer, li) => ({
      rows: 0,
      channels: [-1, ...Array.from({ length: this.colourChannels }, (_, c) => c), ...(layer.hasMask ? [-2] : [])].map((id) => ({
        id,
        path: join(tempDir, `psd-${run}-${li}-${id}.bin`),
        rowBytes: new Uint32Array(spec.height),
        bytes: 0,
      })),
    }));
  }

  static async create(path: string, spec: PsdSpec, tempDir: string): Promise<PsdWriter> {
    if (!(spec.width > 0 && spec.height > 0)) throw new Error(`invalid document size ${spec.width}x${spec.height}`);
    if (spec.layers.length === 0) throw new Error('a document needs at least one layer');
    return new PsdWriter(path, spec, tempDir);
  }

  /** Rows y0.. of one layer, full width, interleaved; mask (single channel) when the layer has one. */
  async writeLayerBand(layer: number, y0: number, pixels: Uint8Array | Uint16Array, mask?: Uint8Array | Uint16Array): Promise<void> {
    const state = this.layers[layer];
    if (!state) throw new Error(`no layer ${layer}`);
    const { width, height, depth } = this.spec;
    const C = this.colourChannels;
    if (y0 !== state.rows) throw new Error(`layer ${layer}: band starts at row ${y0}, expected ${state.rows}`);
    if ((depth === 8) !== (pixels instanceof Uint8Array)) throw new Error(`layer ${layer}: ${depth}-bit document needs ${depth === 8 ? 'Uint8Array' : 'Uint16Array'} pixels`);
    const rows = pixels.length / (width * C);
    if (!Number.isInteger(rows) || rows < 1 || y0 + rows > height) throw new Error(`layer ${layer}: band of ${pixels.length} samples does not fit rows ${y0}..${height - 1}`);
    const hasMask = this.spec.layers[layer]!.hasMask;
    if (hasMask && (!mask || mask.length !== rows * width)) throw new Error(`layer ${layer}: mask band missing or of the wrong size`);
    if (!hasMask && mask) throw new Error(`layer ${layer} has no mask`);

    const plane = depth === 8 ? new Uint8Array(width) : new Uint16Array(width);
    // One output buffer per channel and band, sized for the worst case, so rows encode without allocating.
    const rowMax = depth === 8 ? 2 * width + 2 : 2 * width;
    for (const channel of state.channels) {
      const id = channel.id;
      if (id === -1) continue; // all opaque: generated at close
      const out = new Uint8Array(rows * rowMax);
      let o = 0;
      for (let r = 0; r < rows; r++) {
        if (id === -2) plane.set(mask!.subarray(r * width, (r + 1) * width));
        else for (let x = 0, p = r * width * C + id; x < width; x++, p += C) plane[x] = pixels[p]!;
        const start = o;
        o = this.encodeRowInto(plane, out, o);
        channel.rowBytes[y0 + r] = o - start;
      }
      channel.bytes += o;
      await withPath(channel.path, () => appendFile(channel.path, out.subarray(0, o)));
    }
    state.rows += rows;
  }

  /** Encodes one row at out[o..]: PackBits for 8-bit, big-endian raw for 16-bit. Returns the new offset. */
  private encodeRowInto(row: Uint8Array | Uint16Array, out: Uint8Array, o: number): number {
    if (row instanceof Uint8Array) return packBitsInto(row, out, o);
    for (let i = 0; i < row.length; i++) {
      out[o++] = row[i]! >> 8;
      out[o++] = row[i]! & 0xff;
    }
    return o;
  }

  private encodeRow(row: Uint8Array | Uint16Array): Uint8Array {
    const out = new Uint8Array(2 * row.length + 2);
    return out.subarray(0, this.encodeRowInto(row, out, 0));
  }

  private get rle(): boolean {
    return this.spec.depth === 8;
  }

  /** Encoded bytes of one all-opaque row (the transparency channel). */
  private opaqueRow(): Uint8Array {
    const { width, depth } = this.spec;
    return this.encodeRow(depth === 8 ? new Uint8Array(width).fill(255) : new Uint16Array(width).fill(65535));
  }

  /** Writes the document; on failure nothing is left at its path. */
  async close(metadata: PsdMetadata = {}): Promise<void> {
    if (this.closed) throw new Error('document already closed');
    const { height } = this.spec;
    this.layers.forEach((l, i) => {
      if (l.rows !== height) throw new Error(`layer ${i} ("${this.spec.layers[i]!.name}") has ${l.rows} of ${height} rows`);
    });
    try {
      await withPath(this.path, async () => {
        const out = await open(this.path, 'w');
        try {
          const w = new Writer(out);
          this.writeHeader(w, metadata);
          await this.writeLayerSection(w);
          await this.writeMergedImage(w);
          await w.flush();
        } finally {
          await out.close();
        }
      });
    } catch (error) {
      await rm(this.path, { force: true });
      throw error;
    } finally {
      await this.removeTemp();
    }
    this.closed = true;
  }

  async abort(): Promise<void> {
    this.closed = true;
    await this.removeTemp();
    await rm(this.path, { force: true });
  }

  private async removeTemp(): Promise<void> {
    for (const layer of this.layers) for (const c of layer.channels) await rm(c.path, { force: true });
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

  private channelDataLength(c: ChannelStore): number {
    const { height } = this.spec;
    const countBytes = this.rle ? height * (this.format === 'psb' ? 4 : 2) : 0;
    const data = c.id === -1 ? this.opaqueRow().length * height : c.bytes;
    return 2 + countBytes + data;
  }

  private layerRecord(index: number): Uint8Array {
    const spec = this.spec.layers[index]!;
    const { width, height } = this.spec;
    const r = new Writer();
    r.i32(0); r.i32(0); r.i32(height); r.i32(width);
    const channels = this.layers[index]!.channels;
    r.u16(channels.length);
    for (const c of channels) {
      r.i16(c.id);
      r.len(this.channelDataLength(c), this.format);
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

  private async writeLayerSection(w: Writer): Promise<void> {
    const records = this.spec.layers.map((_, i) => this.layerRecord(i));
    const channelData = this.layers.reduce((sum, l) => sum + l.channels.reduce((s, c) => s + this.channelDataLength(c), 0), 0);
    let layerInfo = 2 + records.reduce((s, r) => s + r.length, 0) + channelData;
    const pad = layerInfo % 4 ? 4 - (layerInfo % 4) : 0;
    layerInfo += pad;
    const lenBytes = this.format === 'psb' ? 8 : 4;
    w.len(lenBytes + layerInfo + 4, this.format); // layer and mask information section
    w.len(layerInfo, this.format);
    w.i16(this.spec.layers.length);
    for (const r of records) w.bytes(r);
    for (const layer of this.layers) {
      for (const c of layer.channels) await this.writeChannel(w, c);
    }
    w.zeros(pad);
    w.u32(0); // global layer mask info
  }

  private writeCounts(w: Writer, c: ChannelStore): void {
    const { height } = this.spec;
    const opaque = c.id === -1 ? this.opaqueRow().length : 0;
    for (let y = 0; y < height; y++) {
      const n = c.id === -1 ? opaque : c.rowBytes[y]!;
      if (this.format === 'psb') w.u32(n);
      else w.u16(n);
    }
  }

  private async writeChannel(w: Writer, c: ChannelStore): Promise<void> {
    w.u16(this.rle ? 1 : 0);
    if (this.rle) this.writeCounts(w, c);
    await this.writeChannelData(w, c);
  }

  private async writeChannelData(w: Writer, c: ChannelStore): Promise<void> {
    if (c.id === -1) {
      const row = this.opaqueRow();
      for (let y = 0; y < this.spec.height; y++) {
        w.bytes(row);
        await w.maybeFlush();
      }
      return;
    }
    await w.copyFile(c.path, c.bytes);
  }

  /** The image data section: the top layer's colour channels, all row counts first, then the data. */
  private async writeMergedImage(w: Writer): Promise<void> {
    const top = this.layers[this.layers.length - 1]!;
    const colour = top.channels.filter((c) => c.id >= 0);
    w.u16(this.rle ? 1 : 0);
    if (this.rle) for (const c of colour) this.writeCounts(w, c);
    for (const c of colour) await this.writeChannelData(w, c);
  }
}

/** PackBits: runs of 2..128 equal bytes as (1-n, value), literals of 1..128 bytes as (n-1, bytes). */
export function packBits(row: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 * row.length + 2); // worst case: a literal byte before every 2-byte run
  return out.subarray(0, packBitsInto(row, out, 0));
}

/** PackBits of `row` written at out[o..]; returns the offset after it. */
function packBitsInto(row: Uint8Array, out: Uint8Array, o: number): number {
  let i = 0;
  const n = row.length;
  while (i < n) {
    let run = 1;
    while (i + run < n && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 2) {
      out[o++] = 257 - run;
      out[o++] = row[i]!;
      i += run;
      continue;
    }
    const start = i;
    while (i < n && i - start < 128 && !(i + 1 < n && row[i] === row[i + 1])) i++;
    out[o++] = i - start - 1;
    out.set(row.subarray(start, i), o);
    o += i - start;
  }
  return o;
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
    if (this.size >= COPY_CHUNK) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.file || this.size === 0) return;
    const data = this.take();
    await writeAll(this.file, data, null);
  }
  async copyFile(path: string, bytes: number): Promise<void> {
    await this.flush();
    if (bytes === 0) return;
    const src = await withPath(path, () => open(path, 'r'));
    try {
      const buffer = new Uint8Array(Math.min(COPY_CHUNK, bytes));
      let done = 0;
      while (done < bytes) {
        const { bytesRead } = await src.read(buffer, 0, Math.min(buffer.length, bytes - done), done);
        if (bytesRead === 0) throw new Error(`temporary layer data ${path} is shorter than expected`);
        await writeAll(this.file!, buffer.subarray(0, bytesRead), null);
        done += bytesRead;
      }
    } finally {
      await src.close();
    }
  }
}
