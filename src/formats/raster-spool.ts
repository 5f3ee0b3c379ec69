import { open, type FileHandle } from 'node:fs/promises';
import type { Rect } from '../engine/types.js';

/**
 * A raw interleaved image on disk (row-major, native-endian samples) written and read by rectangles with
 * positioned I/O. It lets the files host serve any frame rectangle without decoding again, and lets the sink
 * accept tiles in any order, while memory holds at most one rectangle.
 */
export class RasterSpool {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly width: number,
    readonly height: number,
    readonly channels: number,
    readonly bytesPerSample: 1 | 2,
  ) {}

  static async create(path: string, width: number, height: number, channels: number, bytesPerSample: 1 | 2): Promise<RasterSpool> {
    const handle = await open(path, 'w+');
    await handle.truncate(width * height * channels * bytesPerSample);
    return new RasterSpool(handle, path, width, height, channels, bytesPerSample);
  }

  /** Opens an existing spool for reading (another thread's view of a file this process wrote). */
  static async open(path: string, width: number, height: number, channels: number, bytesPerSample: 1 | 2): Promise<RasterSpool> {
    return new RasterSpool(await open(path, 'r'), path, width, height, channels, bytesPerSample);
  }

  private get rowBytes(): number {
    return this.width * this.channels * this.bytesPerSample;
  }

  async writeRect(rect: Rect, data: Uint8Array | Uint16Array): Promise<void> {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const span = rect.width * this.channels * this.bytesPerSample;
    if (rect.left === 0 && rect.width === this.width) {
      await this.handle.write(bytes, 0, bytes.length, rect.top * this.rowBytes);
      return;
    }
    for (let y = 0; y < rect.height; y++) {
      const position = (rect.top + y) * this.rowBytes + rect.left * this.channels * this.bytesPerSample;
      await this.handle.write(bytes, y * span, span, position);
    }
  }

  /** Reads a rectangle; whole rows are read in one call and the columns copied out. */
  async readRect(rect: Rect): Promise<Uint8Array | Uint16Array> {
    const rows = new Uint8Array(rect.height * this.rowBytes);
    await this.handle.read(rows, 0, rows.length, rect.top * this.rowBytes);
    const span = rect.width * this.channels * this.bytesPerSample;
    let out: Uint8Array;
    if (rect.left === 0 && rect.width === this.width) {
      out = rows;
    } else {
      out = new Uint8Array(rect.height * span);
      const start = rect.left * this.channels * this.bytesPerSample;
      for (let y = 0; y < rect.height; y++) out.set(rows.subarray(y * this.rowBytes + start, y * this.rowBytes + start + span), y * span);
    }
    return this.bytesPerSample === 2 ? new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2) : out;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
