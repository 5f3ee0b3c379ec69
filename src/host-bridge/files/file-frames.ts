import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { BitDepth, ChannelCount, FrameSource, PixelBlock, ReadRequest, StackInfo } from '../../engine/types.js';
import { InputError } from '../index.js';
import { RasterSpool } from '../../formats/raster-spool.js';

sharp.cache(false); // libvips' operation cache would keep decoded frames alive: memory must follow the tile, not the stack

const FORMATS = new Set(['jpeg', 'png', 'tiff']);

export interface ImageFileInfo {
  path: string;
  name: string;
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  icc?: Uint8Array;
}

/** Reads each file's header and checks the set can be stacked; throws InputError naming the first bad file. */
export async function probeImages(paths: string[]): Promise<ImageFileInfo[]> {
  if (paths.length < 2) {
    throw new InputError(`A focus stack needs at least two image files; found ${paths.length}${paths.length ? ` (${paths[0]})` : ''}.`);
  }
  const infos: ImageFileInfo[] = [];
  for (const path of paths) {
    const st = await stat(path).catch(() => undefined);
    if (!st) throw new InputError(`${path}: file not found.`);
    if (!st.isFile()) throw new InputError(`${path}: not a file.`);
    let meta: Metadata;
    try {
      meta = await sharp(path).metadata();
    } catch {
      throw new InputError(`${path}: not a readable JPEG, PNG or TIFF image (unknown or corrupt data).`);
    }
    if (!meta.format || !FORMATS.has(meta.format)) {
      throw new InputError(`${path}: ${meta.format ?? 'unknown'} images are not supported; use JPEG, PNG or TIFF.`);
    }
    if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
      throw new InputError(`${path}: ${describeDepth(meta.depth)} samples are not supported; save the frames as 8- or 16-bit.`);
    }
    if (meta.space === 'cmyk') throw new InputError(`${path}: CMYK images are not supported; convert the frames to RGB.`);
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new InputError(`${path}: the image has no size (corrupt header).`);
    const colourChannels = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
    infos.push({
      path,
      name: basename(path),
      width,
      height,
      channels: colourChannels >= 3 ? 3 : 1,
      bitDepth: meta.depth === 'ushort' ? 16 : 8,
      ...(meta.icc ? { icc: new Uint8Array(meta.icc) } : {}),
    });
  }
  const first = infos[0]!;
  for (const info of infos) {
    if (info.width !== first.width || info.height !== first.height) {
      throw new InputError(`${info.path}: ${info.width}x${info.height} differs from ${first.name} (${first.width}x${first.height}); all frames must be the same size.`);
    }
  }
  return infos;
}

function describeDepth(depth: string | undefined): string {
  switch (depth) {
    case 'float': return '32-bit floating-point';
    case 'double': return '64-bit floating-point';
    case 'uint': case 'int': return '32-bit integer';
    case 'char': case 'short': return 'signed integer';
    default: return `${depth ?? 'unknown'}`;
  }
}

/**
 * Frames from image files. Downscaled reads (alignment) decode straight from the file with libvips'
 * shrink-on-load; the first rectangle read of a frame decodes it once into a raw spool file in `tempDir`,
 * which then serves every tile with positioned reads. The stack is therefore never in memory: it costs one
 * decoded frame transiently, and disk equal to the decoded stack (README: "What it costs").
 * A mixed stack is promoted to the widest format present (16-bit if any frame is, RGB if any frame is).
 */
export class FileFrameSource implements FrameSource {
  readonly info: StackInfo;
  private readonly spools = new Map<number, Promise<RasterSpool>>();

  constructor(private readonly files: ImageFileInfo[], private readonly tempDir: string) {
    this.info = {
      width: files[0]!.width,
      height: files[0]!.height,
      channels: files.some((f) => f.channels === 3) ? 3 : 1,
      bitDepth: files.some((f) => f.bitDepth === 16) ? 16 : 8,
      frames: files.map((f) => ({ name: f.name })),
    };
  }

  get iccProfile(): Uint8Array | undefined {
    return this.files[0]!.icc;
  }

  async read(frame: number, request: ReadRequest = {}): Promise<PixelBlock> {
    const { width, height } = this.info;
    if (request.targetWidth !== undefined && !request.rect) {
      const tw = Math.max(1, Math.min(width, Math.round(request.targetWidth)));
      const th = Math.max(1, Math.round((height * tw) / width));
      return this.decode(frame, (img) => img.resize(tw, th, { fit: 'fill', kernel: 'cubic' }));
    }
    const rect = request.rect ?? { left: 0, top: 0, width, height };
    const spool = await this.spool(frame);
    const data = await spool.readRect(rect);
    return { width: rect.width, height: rect.height, channels: this.info.channels, data, maxValue: this.maxValue };
  }

  private get maxValue(): number {
    return this.info.bitDepth === 16 ? 65535 : 255;
  }

  /**
   * The frame's raw spool, decoded on first use; the next frame is decoded meanwhile, so tiles streaming frames
   * in order (and worker threads, through spoolPath) rarely wait for a decode.
   */
  private spool(frame: number): Promise<RasterSpool> {
    const spool = this.decodeToSpool(frame);
    if (frame + 1 < this.info.frames.length) this.decodeToSpool(frame + 1).catch(() => undefined);
    return spool;
  }

  private decodeToSpool(frame: number): Promise<RasterSpool> {
    let spool = this.spools.get(frame);
    if (!spool) {
      spool = (async () => {
        const full = await this.decode(frame, (img) => img);
        const { width, height, channels, bitDepth } = this.info;
        const raw = await RasterSpool.create(join(this.tempDir, `frame-${frame}.raw`), width, height, channels, bitDepth === 16 ? 2 : 1);
        await raw.writeRect({ left: 0, top: 0, width, height }, full.data);
        return raw;
      })();
      this.spools.set(frame, spool);
    }
    return spool;
  }

  /** Where frame `frame`'s raw spool is, for worker threads that read it themselves. */
  async spoolPath(frame: number): Promise<string> {
    return (await this.spool(frame)).path;
  }

  private async decode(frame: number, shape: (img: Sharp) => Sharp): Promise<PixelBlock> {
    const file = this.files[frame]!;
    const { channels, bitDepth } = this.info;
    const space = channels === 3 ? (bitDepth === 16 ? 'rgb16' : 'srgb') : bitDepth === 16 ? 'grey16' : 'b-w';
    try {
      const img = shape(sharp(file.path, { failOn: 'warning' }).rotate().removeAlpha()).toColourspace(space);
      const { data, info } = await img.raw({ depth: bitDepth === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels, expected ${channels}`);
      const samples = bitDepth === 16 ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      return { width: info.width, height: info.height, channels, data: samples, maxValue: this.maxValue };
    } catch (error) {
      throw new InputError(`${file.path}: could not decode the image (${(error as Error).message.split('\n')[0]}); the file may be truncated or corrupt.`);
    }
  }

  async close(): Promise<void> {
    for (const spool of this.spools.values()) await (await spool.catch(() => undefined))?.close();
    this.spools.clear();
  }
}
