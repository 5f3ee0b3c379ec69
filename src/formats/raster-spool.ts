import { open, type FileHandle } from 'node:fs/promises';
import type { Rect } from '../engine/types.js';
import { BufferPool } from './buffer-pool.js';

/** Narrow rectangles are read through a buffer of about this many bytes of whole rows. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Row buffers shared by every spool in the thread: one per read in flight, returned after use, so a stack of
 * many spools holds a few buffers, not one each.
 */
const rowBuffers = new BufferPool();

/**
 * A raw interleaved image on disk (row-major, native-endian samples) written and read by rectangles with
 * positioned I/O. It lets the files host serve any frame rectangle without decoding again, and lets the sink
 * accept tiles in any order, while memory holds at most one rectangle. The pixels may follow a header of
 * `dataOffset` bytes (vips-image.ts lays a libvips image out this way). Errors name the spool's path,
 * which Node's positioned writes do not.
 */
export class RasterSpool {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly width: number,
    readonly height: number,
    readonly channels: number,
    readonly bytesPerSample: 1 | 2,
    readonly dataOffset: number,
  ) {}

  static async create(path: string, width: number, height: number, channels: number, bytesPerSample: 1 | 2, dataOffset = 0): Promise<RasterSpool> {
    return withPath(path, async () => {
      const handle = await open(path, 'w+');
      try {
        await handle.truncate(dataOffset + width * height * channels * bytesPerSample);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return new RasterSpool(handle, path, width, height, channels, bytesPerSample, dataOffset);
    });
  }

  /** Opens an existing spool for reading (another thread's view of a file this process wrote). */
  static async open(path: string, width: number, height: number, channels: number, bytesPerSample: 1 | 2, dataOffset = 0): Promise<RasterSpool> {
    return new RasterSpool(await withPath(path, () => open(path, 'r')), path, width, height, channels, bytesPerSample, dataOffset);
  }

  private get rowBytes(): number {
    return this.width * this.channels * this.bytesPerSample;
  }

  /** Bytes of pixel data. */
  get dataBytes(): number {
    return this.rowBytes * this.height;
  }

  /** Raw bytes at an absolute position (a header before the pixels, a trailer after them). */
  async writeBytes(position: number, bytes: Uint8Array): Promise<void> {
    await withPath(this.path, () => writeAll(this.handle, bytes, position));
  }

  async writeRect(rect: Rect, data: Uint8Array | Uint16Array): Promise<void> {
    await withPath(this.path, () => this.writeRectAt(rect, data));
  }

  private async writeRectAt(rect: Rect, data: Uint8Array | Uint16Array): Promise<void> {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const span = rect.width * this.channels * this.bytesPerSample;
    if (rect.left === 0 && rect.width === this.width) {
      await writeAll(this.handle, bytes, this.dataOffset + rect.top * this.rowBytes);
      return;
    }
    for (let y = 0; y < rect.height; y++) {
      const position = this.dataOffset + (rect.top + y) * this.rowBytes + rect.left * this.channels * this.bytesPerSample;
      await writeAll(this.handle, bytes.subarray(y * span, (y + 1) * span), position);
    }
  }

  /**
   * Reads a rectangle, into `into` when it is large enough. A full-width one is one read; a narrower one is read
   * in chunks of whole rows through a small buffer (a tile of a wide frame would otherwise cost a buffer of every
   * row it spans).
   */
  async readRect(rect: Rect, into?: ArrayBuffer): Promise<Uint8Array | Uint16Array> {
    const span = rect.width * this.channels * this.bytesPerSample;
    const bytes = rect.height * span;
    const out = into && into.byteLength >= bytes ? new Uint8Array(into, 0, bytes) : new Uint8Array(bytes);
    if (rect.left === 0 && rect.width === this.width) {
      await withPath(this.path, () => this.handle.read(out, 0, out.length, this.dataOffset + rect.top * this.rowBytes));
    } else {
      const rowsPerChunk = Math.max(1, Math.floor(READ_CHUNK_BYTES / this.rowBytes));
      const chunk = rowBuffers.take(Math.min(rect.height, rowsPerChunk) * this.rowBytes);
      const start = rect.left * this.channels * this.bytesPerSample;
      for (let y0 = 0; y0 < rect.height; y0 += rowsPerChunk) {
        const rows = Math.min(rowsPerChunk, rect.height - y0);
        await withPath(this.path, () => this.handle.read(chunk, 0, rows * this.rowBytes, this.dataOffset + (rect.top + y0) * this.rowBytes));
        for (let y = 0; y < rows; y++) out.set(chunk.subarray(y * this.rowBytes + start, y * this.rowBytes + start + span), (y0 + y) * span);
      }
      rowBuffers.give(chunk);
    }
    return this.bytesPerSample === 2 ? new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2) : out;
  }

  private closed = false;

  /** Closes the file (once; later calls do nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await withPath(this.path, () => this.handle.close());
  }
}

/** Runs `io`, giving a system error without a path (positioned reads and writes) the path it concerns. */
export async function withPath<T>(path: string, io: () => Promise<T>): Promise<T> {
  try {
    return await io();
  } catch (error) {
    if (error instanceof Error && 'code' in error && !('path' in error)) Object.assign(error, { path });
    throw error;
  }
}

/**
 * Writes all of `bytes` at `position` (null: at the current position). A single write may be short, as
 * when the disk fills up; the next one then reports ENOSPC instead of the data going missing silently.
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position === null ? null : position + done);
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}
