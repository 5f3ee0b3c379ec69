import type { BitDepth } from './types.js';

/**
 * The pixel-format rules in one place: what a bit depth means in bytes and in value range. The engine's
 * outputs use full scale (255 or 65535); hosts convert where theirs differs (Photoshop's 16-bit is 0..32768).
 */
export function bytesPerSample(bitDepth: BitDepth): 1 | 2 {
  return bitDepth === 16 ? 2 : 1;
}

export function fullScale(bitDepth: BitDepth): 255 | 65535 {
  return bitDepth === 16 ? 65535 : 255;
}

export function sampleArray(bitDepth: BitDepth, length: number): Uint8Array | Uint16Array {
  return bitDepth === 16 ? new Uint16Array(length) : new Uint8Array(length);
}

/**
 * The size of a downscaled whole-frame read (ReadRequest.targetWidth): the target width clamped to 1..width,
 * the height keeping the aspect ratio. Every host returns exactly this size.
 */
export function scaledReadSize(width: number, height: number, targetWidth: number): { width: number; height: number } {
  const w = Math.max(1, Math.min(width, Math.round(targetWidth)));
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
}
