import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { exifBlock, outputExifTags, parseExif, type ExifTags } from '../../formats/exif.js';
import { creatorTool, minimalXmp, withCreatorTool } from '../../formats/xmp.js';
import { packageRoot } from './node-kernels.js';

/**
 * Colour and camera metadata of the outputs. A stack is one scene shot with one camera, so the frame the
 * result is aligned to (the reference) speaks for it: its ICC profile goes into every colour output (the
 * pixels are kept in the frames' own colour space, never converted), its EXIF (camera, lens, aperture,
 * capture date) and XMP into the composite and the layered document. Every image output names Planewise
 * in EXIF Software and xmp:CreatorTool; the latter is how a later run recognises its own files.
 */

let software: string | undefined;

/** "Planewise <version>", the version from package.json. */
export function softwareName(): string {
  software ??= `Planewise ${(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version}`;
  return software;
}

export interface FrameMetadata {
  icc?: Uint8Array;
  exif?: ExifTags;
  xmp?: string;
  /** Pixels per inch. */
  density?: number;
}

function xmpText(meta: Metadata): string | undefined {
  return meta.xmpAsString ?? (meta.xmp ? meta.xmp.toString('utf8') : undefined);
}

export async function readFrameMetadata(path: string): Promise<FrameMetadata> {
  const meta = await sharp(path, { limitInputPixels: false }).metadata();
  const exif = meta.exif ? parseExif(meta.exif) : undefined;
  const xmp = xmpText(meta);
  return {
    ...(meta.icc ? { icc: new Uint8Array(meta.icc) } : {}),
    ...(exif ? { exif } : {}),
    ...(xmp ? { xmp } : {}),
    ...(meta.density ? { density: meta.density } : {}),
  };
}

export interface OutputMetadata {
  icc?: Uint8Array;
  exif: ExifTags;
  xmp: string;
  density?: number;
}

/** The composite's and the layered document's metadata, from the reference frame's. */
export function colourOutputMetadata(frame: FrameMetadata, width: number, height: number): OutputMetadata {
  const name = softwareName();
  return {
    ...(frame.icc ? { icc: frame.icc } : {}),
    exif: outputExifTags(frame.exif, { software: name, width, height }, frame.exif?.littleEndian ?? true),
    xmp: withCreatorTool(frame.xmp, name),
    ...(frame.density ? { density: frame.density } : {}),
  };
}

/** The depth map's: no colour profile (its values are frame indices, not colours), no camera; the Planewise mark. */
export function depthMapMetadata(width: number, height: number): OutputMetadata {
  const name = softwareName();
  return { exif: outputExifTags(undefined, { software: name, width, height }, true), xmp: minimalXmp(name) };
}

/** The EXIF block as JPEG and PNG carry it (after "Exif\0\0"). */
export function exifWithPrefix(tags: ExifTags): Uint8Array {
  const block = exifBlock(tags);
  const out = new Uint8Array(6 + block.length);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(block, 6);
  return out;
}

/** Whether an image file's header says Planewise wrote it. */
export function writtenByPlanewise(meta: Metadata): boolean {
  const xmp = xmpText(meta);
  return Boolean(xmp && creatorTool(xmp)?.startsWith('Planewise'));
}
