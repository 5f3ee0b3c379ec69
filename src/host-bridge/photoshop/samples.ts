/**
 * Photoshop's pixel-format rules, in one place: its 16-bit range, and the image data the adapter hands to
 * putPixels and putLayerMask. The engine's own rules (bytes per sample, full scale 255 / 65535) are in
 * src/engine/pixel-format.ts; this module converts between the two.
 */
import type { BitDepth } from '../../engine/types.js';
import type { ImageData, Photoshop } from './types.js';

/** Full-scale value of 16-bit image data in Photoshop: its internal range is 0..32768 (imaging API docs). */
export const PS_16BIT_MAX = 32768;

/**
 * The profile Adobe's imaging docs give for layer-mask and selection data. An empty profile would mean
 * the document's profile, an RGB one for RGB documents, which does not fit one gray component.
 */
export const MASK_PROFILE = 'Gray Gamma 2.2';

/** Full white in Photoshop image data of this depth. */
export function photoshopFullScale(bitDepth: BitDepth): number {
  return bitDepth === 16 ? PS_16BIT_MAX : 255;
}

/** Engine samples (full scale 255 or 65535) as Photoshop samples (255 or 32768). */
export function toPhotoshopSamples(data: Uint8Array | Uint16Array): Uint8Array | Uint16Array {
  return data instanceof Uint16Array ? Uint16Array.from(data, (v) => Math.round((v * PS_16BIT_MAX) / 65535)) : data;
}

/** Colour pixels for putPixels, in the document's colour space and (empty profile) its own profile. */
export function pixelImageData(ps: Photoshop, data: Uint8Array | Uint16Array, width: number, height: number, channels: 1 | 3): Promise<ImageData> {
  return ps.imaging.createImageDataFromBuffer(toPhotoshopSamples(data), {
    width, height, components: channels, chunky: true, colorSpace: channels === 1 ? 'Grayscale' : 'RGB',
  });
}

/** Layer-mask pixels for putLayerMask: one Grayscale component in a gray profile, as the imaging docs require. */
export function maskImageData(ps: Photoshop, data: Uint8Array | Uint16Array, width: number, height: number): Promise<ImageData> {
  return ps.imaging.createImageDataFromBuffer(toPhotoshopSamples(data), {
    width, height, components: 1, chunky: true, colorSpace: 'Grayscale', colorProfile: MASK_PROFILE,
  });
}
