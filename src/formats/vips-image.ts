import { endianness } from 'node:os';
import sharp from 'sharp';
import { RasterSpool } from './raster-spool.js';

/**
 * A raster spool laid out as a libvips native image (".v"): a 64-byte header, the pixels as RasterSpool
 * writes them (interleaved, native byte order), then an XML block of metadata. sharp opens it from disk,
 * so encoding an output never holds the whole image in memory, and an ICC profile, EXIF and XMP reach
 * the encoders as if the image had been read from a file that carried them.
 * Layout from libvips' vips_image_write_header / vips__writehist (libvips/iofuncs/header.c, vips.c).
 */

const HEADER_BYTES = 64;
/** VipsInterpretation values. */
const INTERPRETATION = { bw: 1, srgb: 22, rgb16: 25, grey16: 26 } as const;
/** VipsBandFormat values. */
const BAND_FORMAT = { uchar: 0, ushort: 2 } as const;

export interface VipsMetadata {
  icc?: Uint8Array;
  /** With the "Exif\0\0" prefix, as libvips keeps it. */
  exif?: Uint8Array;
  xmp?: string;
  /** Pixels per inch. */
  density?: number;
}

/** A .v file libvips wrote (sharp's toFile with a ".v" name), opened for reading its pixels by rectangle. */
export async function openVipsSpool(path: string, width: number, height: number, channels: number, bytesPerSample: 1 | 2): Promise<RasterSpool> {
  return RasterSpool.open(path, width, height, channels, bytesPerSample, HEADER_BYTES);
}

export async function createVipsSpool(path: string, width: number, height: number, channels: 1 | 3, bytesPerSample: 1 | 2): Promise<RasterSpool> {
  return RasterSpool.create(path, width, height, channels, bytesPerSample, HEADER_BYTES);
}

function header(spool: RasterSpool, density: number): Uint8Array {
  const le = endianness() === 'LE';
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  const wide = spool.bytesPerSample === 2;
  const grey = spool.channels === 1;
  const pixelsPerMm = density / 25.4;
  view.setUint32(0, le ? 0xb6a6f208 : 0x08f2a6b6); // magic, big-endian; it tells the byte order of the rest
  view.setInt32(4, spool.width, le);
  view.setInt32(8, spool.height, le);
  view.setInt32(12, spool.channels, le);
  view.setInt32(16, wide ? 16 : 8, le);
  view.setInt32(20, wide ? BAND_FORMAT.ushort : BAND_FORMAT.uchar, le);
  view.setInt32(24, 0, le); // coding: none
  view.setInt32(28, grey ? (wide ? INTERPRETATION.grey16 : INTERPRETATION.bw) : wide ? INTERPRETATION.rgb16 : INTERPRETATION.srgb, le);
  view.setFloat32(32, pixelsPerMm, le);
  view.setFloat32(36, pixelsPerMm, le);
  return out;
}

function metadataXml(metadata: VipsMetadata): string {
  const blob = (name: string, bytes: Uint8Array) => `    <field type="VipsBlob" name="${name}">${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}</field>\n`;
  return (
    '<?xml version="1.0"?>\n' +
    `<root xmlns="http://www.vips.ecs.soton.ac.uk/vips/${sharp.versions.vips}">\n  <header>\n  </header>\n  <meta>\n` +
    (metadata.icc ? blob('icc-profile-data', metadata.icc) : '') +
    (metadata.exif ? blob('exif-data', metadata.exif) : '') +
    (metadata.xmp ? blob('xmp-data', new TextEncoder().encode(metadata.xmp)) : '') +
    '  </meta>\n</root>\n'
  );
}

/** Writes the header and the metadata block and closes the spool; afterwards sharp(spool.path) reads it. */
export async function finishVipsSpool(spool: RasterSpool, metadata: VipsMetadata): Promise<void> {
  await spool.writeBytes(0, header(spool, metadata.density ?? 72));
  await spool.writeBytes(HEADER_BYTES + spool.dataBytes, new TextEncoder().encode(metadataXml(metadata)));
  await spool.close();
}
