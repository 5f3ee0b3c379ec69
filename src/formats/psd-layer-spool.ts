import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Rect } from '../engine/types.js';
import { BufferPool } from './buffer-pool.js';
import { CHUNK, packBitsBound, packChunks } from './packbits.js';
import { withPath, writeAll } from './raster-spool.js';

/**
 * One PSD layer's channel data, received as tiles in any order and handed back as whole rows in order.
 *
 * Each tile is encoded as it arrives, channel by channel and row by row, straight from its interleaved pixels,
 * and appended to the layer's data file: PackBits (8-bit) or big-endian raw samples (16-bit). PackBits works on
 * fixed 128-column chunks (packbits.ts), so a row's encoding is the concatenation of its tiles' pieces, whatever
 * the tile plan. Only where a tile edge cuts a chunk do the few raw samples on either side of the cut wait (in a
 * small fragment file) until the rows are assembled. Assembling is then mostly concatenation: read each tile's
 * bytes for a band of rows, interleave them row by row.
 */

export interface LayerSpoolSpec {
  width: number;
  height: number;
  /** Colour channels (1 or 3); the mask, when there is one, is spooled after them. */
  colourChannels: number;
  hasMask: boolean;
  depth: 8 | 16;
}

interface SpooledTile {
  rect: Rect;
  /** Per spooled channel: where its rows start in the data file. */
  data: number[];
  /** Per spooled channel: end of each row's bytes relative to data[c] (rowEnds[c][r + 1] - rowEnds[c][r] = row r). */
  rowEnds: Uint32Array[];
  /** Per spooled channel: where its raw fragments start in the fragment file (per row, head then tail samples). */
  fragments: number[];
  /** Raw samples per row before the tile's first chunk boundary (head) and after its last (tail). */
  head: number;
  tail: number;
}

/** A band of assembled rows of one channel: bytes of rows y0..y0+counts.length-1, back to back. */
export interface RowBand {
  y0: number;
  counts: Uint32Array;
  bytes: Uint8Array;
}

/** Rows are assembled about this many bytes at a time. */
const BAND_BYTES = 4 * 1024 * 1024;
/** Tiles are encoded and written about this many bytes at a time. */
const BLOCK_BYTES = 1024 * 1024;

/** Encode and assembly buffers returned after use, so tiles do not fault in fresh memory every time. */
const buffers = new BufferPool();

export class LayerSpool {
  private readonly tiles: SpooledTile[] = [];
  private dataEnd = 0;
  private fragmentEnd = 0;
  /** Tiles are encoded and written one after another. */
  private queue: Promise<void> = Promise.resolve();
  private failure?: { error: unknown };
  private readonly rle: boolean;
  readonly channels: number;

  private constructor(
    private readonly spec: LayerSpoolSpec,
    private readonly dataPath: string,
    private readonly fragmentPath: string,
    private readonly dataFile: FileHandle,
    private readonly fragmentFile: FileHandle,
  ) {
    this.rle = spec.depth === 8;
    this.channels = spec.colourChannels + (spec.hasMask ? 1 : 0);
  }

  /** `path` names the data file; the fragment file is `path` + ".frag". */
  static async create(path: string, spec: LayerSpoolSpec): Promise<LayerSpool> {
    const fragmentPath = `${path}.frag`;
    const data = await withPath(path, () => open(path, 'w+'));
    try {
      const fragments = await withPath(fragmentPath, () => open(fragmentPath, 'w+'));
      return new LayerSpool(spec, path, fragmentPath, data, fragments);
    } catch (error) {
      await data.close();
      throw error;
    }
  }

  /**
   * Encodes one tile (interleaved pixels, and the mask when the layer has one) and appends it. `pixels` and `mask`
   * must stay unchanged until the promise settles. A layer's tiles are taken one at a time, so each channel of a
   * tile lies contiguous in the files.
   */
  add(rect: Rect, pixels: Uint8Array | Uint16Array, mask?: Uint8Array | Uint16Array): Promise<void> {
    const written = this.queue.then(() => this.encodeAndWrite(rect, pixels, mask));
    this.queue = written.catch((error: unknown) => {
      this.failure ??= { error };
    });
    return written;
  }

  /** Encodes and writes a channel at a time, a block of rows at a time, so the buffers stay small. */
  private async encodeAndWrite(rect: Rect, pixels: Uint8Array | Uint16Array, mask?: Uint8Array | Uint16Array): Promise<void> {
    const { width, colourChannels: C, hasMask } = this.spec;
    const { left, width: w, height: h } = rect;
    const right = left + w;
    // Chunks wholly inside the tile are encoded now; the raw samples of chunks it shares with a neighbour wait.
    const a = this.rle && left % CHUNK !== 0 ? Math.min(right, left + CHUNK - (left % CHUNK)) : left;
    const b = !this.rle || right === width ? right : Math.max(a, right - (right % CHUNK));
    const head = a - left;
    const tail = right - b;
    const rowBound = this.rle ? packBitsBound(b - a) : 2 * w;
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / rowBound));
    const tile: SpooledTile = { rect, data: [], rowEnds: [], fragments: [], head, tail };
    const out = buffers.take(Math.min(h, rowsPerBlock) * rowBound);
    const fragments = buffers.take(Math.min(h, rowsPerBlock) * (head + tail));
    try {
      for (let c = 0; c < this.channels; c++) {
        const isMask = hasMask && c === C;
        const src = isMask ? mask! : pixels;
        const stride = isMask ? 1 : C;
        const ends = new Uint32Array(h + 1);
        tile.data.push(this.dataEnd);
        tile.rowEnds.push(ends);
        tile.fragments.push(this.fragmentEnd);
        for (let r0 = 0; r0 < h; r0 += rowsPerBlock) {
          const r1 = Math.min(h, r0 + rowsPerBlock);
          let o = 0;
          let f = 0;
          for (let r = r0, p = (isMask ? 0 : c) + r0 * w * stride; r < r1; r++, p += w * stride) {
            if (this.rle) {
              const s = src as Uint8Array;
              for (let x = 0, q = p; x < head; x++, q += stride) fragments[f++] = s[q]!;
              o = packChunks(s, p + head * stride, stride, a, b, out, o);
              for (let x = b, q = p + (b - left) * stride; x < right; x++, q += stride) fragments[f++] = s[q]!;
            } else {
              o = bigEndianInto(src as Uint16Array, p, stride, w, out, o);
            }
            ends[r + 1] = ends[r0]! + o;
          }
          await withPath(this.dataPath, () => writeAll(this.dataFile, out.subarray(0, o), this.dataEnd));
          this.dataEnd += o;
          if (f > 0) await withPath(this.fragmentPath, () => writeAll(this.fragmentFile, fragments.subarray(0, f), this.fragmentEnd));
          this.fragmentEnd += f;
        }
      }
    } finally {
      buffers.give(out);
      buffers.give(fragments);
    }
    this.tiles.push(tile);
  }

  /** Waits for the tiles' writes; throws the first write error. */
  async flush(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure.error;
  }

  /** Undefined when the tiles cover every row exactly once; otherwise what is wrong ("2 of 4 rows complete ..."). */
  coverageGap(): string | undefined {
    const { width, height } = this.spec;
    let missing = 0;
    let first = -1;
    for (const band of this.bands(height)) {
      if (!band.tiles || sumWidths(band.tiles) !== width) {
        missing += band.rows;
        if (first < 0) first = band.y0;
      }
    }
    return missing ? `${height - missing} of ${height} rows complete (first gap at row ${first})` : undefined;
  }

  /**
   * Byte count of every row of spooled channel `channel` (colour channels, then the mask), as the document's
   * row-count table needs them before the data. Reads only the fragments, if any.
   */
  async rowCounts(channel: number): Promise<Uint32Array> {
    const counts = new Uint32Array(this.spec.height);
    for await (const band of this.rowBands(channel, false)) counts.set(band.counts, band.y0);
    return counts;
  }

  /** The rows of spooled channel `channel`, in order, a band at a time (the band's buffers are reused). */
  async *rowBands(channel: number, withData = true): AsyncGenerator<RowBand> {
    const { width } = this.spec;
    const rowsPerBand = Math.max(1, Math.floor(BAND_BYTES / (this.rle ? packBitsBound(width) : 2 * width)));
    let dataBuffer = buffers.take(0);
    let fragmentBuffer = buffers.take(0);
    let out = buffers.take(0);
    const pendingRaw = new Uint8Array(CHUNK);
    try {
      for (const region of this.bands(rowsPerBand)) {
        const tiles = region.tiles;
        if (!tiles || sumWidths(tiles) !== width) throw new Error(`rows ${region.y0}..${region.y0 + region.rows - 1} are not covered by the tiles written`);
        const { y0, rows } = region;
        // Each tile's bytes for these rows are contiguous in both files: one read each.
        const reads = tiles.map((t) => {
          const r0 = y0 - t.rect.top;
          const ends = t.rowEnds[channel]!;
          const fragmentRow = t.head + t.tail;
          return {
            tile: t,
            r0,
            data: { at: t.data[channel]! + ends[r0]!, bytes: ends[r0 + rows]! - ends[r0]! },
            fragments: { at: t.fragments[channel]! + r0 * fragmentRow, bytes: rows * fragmentRow },
          };
        });
        const dataBytes = withData ? reads.reduce((s, r) => s + r.data.bytes, 0) : 0;
        const fragmentBytes = reads.reduce((s, r) => s + r.fragments.bytes, 0);
        dataBuffer = buffers.grow(dataBuffer, dataBytes);
        fragmentBuffer = buffers.grow(fragmentBuffer, fragmentBytes);
        const outBytes = dataBytes + rows * tiles.length * packBitsBound(CHUNK);
        if (withData) out = buffers.grow(out, outBytes);
        let d = 0;
        let g = 0;
        const at = reads.map((r) => {
          const place = { data: d, fragments: g };
          if (withData) d += r.data.bytes;
          g += r.fragments.bytes;
          return place;
        });
        await Promise.all(reads.flatMap((r, i) => [
          withData && r.data.bytes ? this.read(this.dataFile, this.dataPath, dataBuffer, at[i]!.data, r.data) : undefined,
          r.fragments.bytes ? this.read(this.fragmentFile, this.fragmentPath, fragmentBuffer, at[i]!.fragments, r.fragments) : undefined,
        ]));
        const counts = new Uint32Array(rows);
        let o = 0;
        for (let y = 0; y < rows; y++) {
          const rowStart = o;
          let counted = 0;
          // Raw samples of a chunk cut by a tile edge, gathered from both sides before it is encoded.
          let pending = 0;
          for (let i = 0; i < reads.length; i++) {
            const { tile, r0 } = reads[i]!;
            const { head, tail } = tile;
            const left = tile.rect.left;
            const fragment = at[i]!.fragments + y * (head + tail);
            if (head > 0) {
              pendingRaw.set(fragmentBuffer.subarray(fragment, fragment + head), pending);
              pending += head;
              const end = left + head;
              if (end % CHUNK === 0 || end === width) {
                if (withData) o = packChunks(pendingRaw, 0, 1, 0, pending, out, o);
                else counted += packChunks(pendingRaw, 0, 1, 0, pending, scratch, 0);
                pending = 0;
              }
            }
            const ends = tile.rowEnds[channel]!;
            const bytes = ends[r0 + y + 1]! - ends[r0 + y]!;
            if (withData) {
              const from = at[i]!.data + ends[r0 + y]! - ends[r0]!;
              out.set(dataBuffer.subarray(from, from + bytes), o);
              o += bytes;
            } else {
              counted += bytes;
            }
            if (tail > 0) {
              pendingRaw.set(fragmentBuffer.subarray(fragment + head, fragment + head + tail), pending);
              pending += tail;
            }
          }
          counts[y] = withData ? o - rowStart : counted;
        }
        yield { y0, counts, bytes: out.subarray(0, o) };
      }
    } finally {
      buffers.give(dataBuffer);
      buffers.give(fragmentBuffer);
      buffers.give(out);
    }
  }

  private async read(file: FileHandle, path: string, into: Uint8Array, offset: number, range: { at: number; bytes: number }): Promise<void> {
    let done = 0;
    while (done < range.bytes) {
      const { bytesRead } = await withPath(path, () => file.read(into, offset + done, range.bytes - done, range.at + done));
      if (bytesRead === 0) throw Object.assign(new Error(`temporary layer data ${path} is shorter than expected`), { path });
      done += bytesRead;
    }
  }

  /**
   * The layer's rows cut into bands of at most `maxRows` rows where the same tiles are present; `tiles` (sorted by
   * column) is undefined when they overlap.
   */
  private bands(maxRows: number): { y0: number; rows: number; tiles?: SpooledTile[] }[] {
    const cuts = [...new Set([0, this.spec.height, ...this.tiles.flatMap((t) => [t.rect.top, t.rect.top + t.rect.height])])]
      .filter((y) => y >= 0 && y <= this.spec.height).sort((x, y) => x - y);
    const bands: { y0: number; rows: number; tiles?: SpooledTile[] }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const top = cuts[i]!;
      const bottom = cuts[i + 1]!;
      const tiles = this.tiles.filter((t) => t.rect.top <= top && t.rect.top + t.rect.height >= bottom).sort((x, y) => x.rect.left - y.rect.left);
      const exact = tiles.every((t, j) => t.rect.left === (j === 0 ? 0 : tiles[j - 1]!.rect.left + tiles[j - 1]!.rect.width));
      for (let y0 = top; y0 < bottom; y0 += maxRows) bands.push({ y0, rows: Math.min(maxRows, bottom - y0), ...(exact ? { tiles } : {}) });
    }
    return bands;
  }

  /** Closes and deletes the files. */
  async remove(): Promise<void> {
    await this.queue;
    await this.dataFile.close().catch(() => undefined);
    await this.fragmentFile.close().catch(() => undefined);
    await rm(this.dataPath, { force: true });
    await rm(this.fragmentPath, { force: true });
  }
}

/** Scratch for encoding a cut chunk only to count its bytes. */
const scratch = new Uint8Array(packBitsBound(CHUNK));

function sumWidths(tiles: SpooledTile[]): number {
  return tiles.reduce((s, t) => s + t.rect.width, 0);
}

/** `count` 16-bit samples src[start], src[start + stride], ... as big-endian bytes at out[o..]. */
function bigEndianInto(src: Uint16Array, start: number, stride: number, count: number, out: Uint8Array, o: number): number {
  for (let x = 0, p = start; x < count; x++, p += stride) {
    const v = src[p]!;
    out[o++] = v >> 8;
    out[o++] = v & 0xff;
  }
  return o;
}
