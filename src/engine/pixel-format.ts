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

/** `length` samples at `bitDepth`: in `buffer` when it is given and big enough, else newly allocated. */
export function sampleArray(bitDepth: BitDepth, length: number, buffer?: ArrayBuffer): Uint8Array | Uint16Array {
  const into = buffer && buffer.byteLength >= length * bytesPerSample(bitDepth) ? buffer : undefined;
  if (bitDepth === 16) return into ? new Uint16Array(into, 0, length) : new Uint16Array(length);
  return into ? new Uint8Array(into, 0, length) : new Uint8Array(length);
}

/**
 * The size of a downscaled whole-frame read (ReadRequest.targetWidth): the target width clamped to 1..width,
 * the height keeping the aspect ratio. Every host returns exactly this size.
 */
export function scaledReadSize(width: number, height: number, targetWidth: number): { width: number; height: number } {
  const w = Math.max(1, Math.min(width, Math.round(targetWidth)));
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
}
