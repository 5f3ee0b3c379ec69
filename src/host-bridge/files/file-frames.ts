import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { bytesPerSample, fullScale, scaledReadSize } from '../../engine/pixel-format.js';
import type { BitDepth, ChannelCount, FrameSource, PixelBlock, ReadRequest, StackInfo } from '../../engine/types.js';
import { InputError } from '../index.js';
import type { RasterSpool } from '../../formats/raster-spool.js';
import { openVipsSpool } from '../../formats/vips-image.js';
import { errnoInMessage, FileSystemError, isErrnoError, probeWrite, systemErrorLine } from './system-errors.js';

sharp.cache(false); // libvips' operation cache would keep decoded frames alive: memory must follow the tile, not the stack

const FORMATS = new Set(['jpeg', 'png', 'tiff']);

/**
 * The largest frame decoded (libvips' default guard, 0x3FFF²): one frame is decoded whole into memory
 * before it is spooled, so this bounds that.
 */
export const MAX_FRAME_PIXELS = 0x3fff * 0x3fff;

/** How frames are opened: the stored samples as they are (an embedded ICC profile is carried, not applied). */
const OPEN = { failOn: 'warning', ignoreIcc: true, limitInputPixels: MAX_FRAME_PIXELS } as const;

export interface ImageFileInfo {
  path: string;
  name: string;
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  hasAlpha: boolean;
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
    if (!st) throw new InputError(`${path}: file not found; check the path.`);
    if (!st.isFile()) throw new InputError(`${path}: not a file.`);
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      if (isErrnoError(error)) throw new FileSystemError(systemErrorLine(error, path, 'input'));
      throw error;
    }
    let meta: Metadata;
    try {
      meta = await sharp(path, OPEN).metadata();
    } catch (error) {
      throw await unreadable(path, error as Error);
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
      hasAlpha: Boolean(meta.hasAlpha),
      ...(meta.icc ? { icc: new Uint8Array(meta.icc) } : {}),
    });
  }
  checkSameSize(infos);
  return infos;
}

/** Why sharp could not read a header: too many pixels, or not an image it knows. */
async function unreadable(path: string, error: Error): Promise<InputError> {
  if (/pixel limit/i.test(error.message)) {
    const meta = await sharp(path, { limitInputPixels: false }).metadata().catch(() => undefined);
    const size = meta?.width && meta.height ? `${meta.width}x${meta.height} (${Math.round((meta.width * meta.height) / 1e6)} megapixels)` : 'too large';
    return new InputError(`${path}: the image is ${size}, more than the ${Math.round(MAX_FRAME_PIXELS / 1e6)} megapixels Planewise decodes; reduce the frames' size.`);
  }
  return new InputError(`${path}: not a readable JPEG, PNG or TIFF image (unknown or corrupt data).`);
}

/** All frames must share one size; the odd ones are named against the size most frames have. */
function checkSameSize(infos: ImageFileInfo[]): void {
  const bySize = new Map<string, ImageFileInfo[]>();
  for (const info of infos) {
    const size = `${info.width}x${info.height}`;
    bySize.set(size, [...(bySize.get(size) ?? []), info]);
  }
  if (bySize.size === 1) return;
  const [majority, common] = [...bySize.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const odd = infos.filter((i) => `${i.width}x${i.height}` !== majority);
  const named = odd.slice(0, 3).map((i) => `${i.path} (${i.width}x${i.height})`).join(', ');
  const more = odd.length > 3 ? ` and ${odd.length - 3} more` : '';
  throw new InputError(
    `${named}${more}: ${odd.length === 1 ? 'differs' : 'differ'} from the other frames' size ${majority} (${common.length} of ${infos.length} frames); all frames must be the same size.`,
  );
}

/** Warnings worth a line before the run: what the outputs will not carry over from the frames. */
export function frameWarnings(infos: ImageFileInfo[]): string[] {
  const warnings: string[] = [];
  const list = (files: ImageFileInfo[]) => files.slice(0, 3).map((f) => f.name).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  const alpha = infos.filter((i) => i.hasAlpha);
  if (alpha.length) {
    warnings.push(`${alpha.length === 1 ? '1 frame has' : `${alpha.length} frames have`} an alpha channel (${list(alpha)}): transparency is not stacked; the outputs are opaque.`);
  }
  const profiles = new Set(infos.map((i) => (i.icc ? Buffer.from(i.icc).toString('base64') : '')));
  if (profiles.size > 1) {
    warnings.push('the frames carry different ICC colour profiles: the outputs are tagged with the reference frame\'s, so colours of the others may shift; export the frames in one colour space.');
  }
  return warnings;
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

  async read(frame: number, request: ReadRequest = {}): Promise<PixelBlock> {
    const { width, height } = this.info;
    if (request.targetWidth !== undefined && !request.rect) {
      // Downscaled from the frame's spool, so each file is decoded once (alignment reads every frame first,
      // and the spool's read-ahead decodes the next frame while this one is registered).
      const size = scaledReadSize(width, height, request.targetWidth);
      const spool = await this.spool(frame);
      return this.decodeSpool(spool.path, (img) => img.resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' }));
    }
    const rect = request.rect ?? { left: 0, top: 0, width, height };
    const spool = await this.spool(frame);
    const data = await spool.readRect(rect, request.buffer);
    return { width: rect.width, height: rect.height, channels: this.info.channels, data, maxValue: this.maxValue };
  }

  private get maxValue(): number {
    return fullScale(this.info.bitDepth);
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

  /**
   * libvips decodes the file straight into a native ".v" image on disk, strip by strip, so a frame is never
   * whole in memory; the spool then reads its pixels by rectangle.
   */
  private decodeToSpool(frame: number): Promise<RasterSpool> {
    let spool = this.spools.get(frame);
    if (!spool) {
      spool = (async () => {
        const file = this.files[frame]!;
        const { width, height, channels, bitDepth } = this.info;
        const path = join(this.tempDir, `frame-${frame}.v`);
        const written = await this.decodeWith(frame, (img) => img.toFile(path));
        if (written.width !== width || written.height !== height) {
          throw new InputError(`${file.path}: decodes to ${written.width}x${written.height} though its header says ${width}x${height}; the file is corrupt.`);
        }
        if (written.channels !== channels) throw new InputError(`${file.path}: decoded ${written.channels} channels, expected ${channels}; the file may be corrupt.`);
        return openVipsSpool(path, width, height, channels, bytesPerSample(bitDepth));
      })();
      this.spools.set(frame, spool);
    }
    return spool;
  }

  /** Where frame `frame`'s raw spool is, for worker threads that read it themselves. */
  async spoolPath(frame: number): Promise<string> {
    return (await this.spool(frame)).path;
  }

  /** A frame's spool (already in the stack's colour space and depth) reshaped by libvips, as raw samples. */
  private async decodeSpool(path: string, shape: (img: Sharp) => Sharp): Promise<PixelBlock> {
    const { channels, bitDepth } = this.info;
    const { data, info } = await shape(sharp(path)).raw({ depth: bitDepth === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const samples = bitDepth === 16 ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { width: info.width, height: info.height, channels, data: samples, maxValue: this.maxValue };
  }

  /**
   * The frame opened, oriented, without alpha, in the stack's colour space and depth, handed to `output`.
   * Failures become one line: a system error names its path, a libvips write error the temporary folder, and
   * anything else blames the file as undecodable.
   */
  private async decodeWith<T>(frame: number, output: (img: Sharp) => Promise<T>): Promise<T> {
    const file = this.files[frame]!;
    const { channels, bitDepth } = this.info;
    const space = channels === 3 ? (bitDepth === 16 ? 'rgb16' : 'srgb') : bitDepth === 16 ? 'grey16' : 'b-w';
    try {
      return await output(sharp(file.path, OPEN).rotate().removeAlpha().toColourspace(space));
    } catch (error) {
      if (error instanceof FileSystemError || error instanceof InputError) throw error;
      if (isErrnoError(error)) throw new FileSystemError(systemErrorLine(error, error.path ?? file.path, error.path ? 'temporary' : 'input'));
      const message = (error as Error).message;
      const aboutTemp = message.includes(this.tempDir) || /write/i.test(message);
      const code = aboutTemp ? (errnoInMessage(message) ?? (await probeWrite(this.tempDir))) : undefined;
      if (code) throw new FileSystemError(systemErrorLine(Object.assign(new Error(message), { code }), this.tempDir, 'temporary'));
      throw new InputError(`${file.path}: could not decode the image (${message.split('\n')[0]}); the file may be truncated or corrupt.`);
    }
  }

  async close(): Promise<void> {
    for (const spool of this.spools.values()) await (await spool.catch(() => undefined))?.close();
    this.spools.clear();
  }
}
