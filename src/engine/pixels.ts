import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { bytesPerSample, fullScale, sampleArray } from './pixel-format.js';
import type { PixelBlock } from './types.js';

/**
 * Crossing the host boundary: interleaved host pixels are copied once into the arena and split into float
 * planes (0..1); planes go back out as interleaved integers. Everything in between stays in the arena.
 */

/** Copies `block` into the arena and returns one 0..1 float plane per channel, allocated in the arena. */
export function blockToPlanes(k: Kernels, block: PixelBlock): Plane[] {
  const { arena } = k;
  const pixels = block.width * block.height;
  const planes = Array.from({ length: block.channels }, () => arena.plane(block.width, block.height));
  arena.scoped(() => {
    const wide = block.data instanceof Uint16Array;
    const raw = arena.alloc(block.data.byteLength);
    if (wide) arena.u16(raw, block.data.length).set(block.data);
    else arena.u8(raw, block.data.length).set(block.data);
    planes.forEach((plane, c) => {
      if (wide) k.deinterleaveU16(raw, pixels, block.channels, c, plane.ptr, 1 / block.maxValue);
      else k.deinterleaveU8(raw, pixels, block.channels, c, plane.ptr, 1 / block.maxValue);
    });
  });
  return planes;
}

/**
 * Quantises planes to integers at `bitDepth` into an interleaved arena buffer (left allocated; the caller's
 * scope frees it) and returns its pointer. Rounds to nearest and clamps.
 */
export function quantizePlanes(k: Kernels, planes: Plane[], bitDepth: 8 | 16): number {
  const { arena } = k;
  const first = planes[0]!;
  const pixels = first.width * first.height;
  const maxValue = fullScale(bitDepth);
  const bytes = pixels * planes.length * bytesPerSample(bitDepth);
  const dst = arena.alloc(bytes);
  planes.forEach((plane, c) => {
    if (bitDepth === 8) k.interleaveU8(plane.ptr, pixels, planes.length, c, dst, maxValue, maxValue);
    else k.interleaveU16(plane.ptr, pixels, planes.length, c, dst, maxValue, maxValue);
  });
  return dst;
}

/** Replaces each plane's values by what the quantised buffer holds, so later maths sees exactly the written pixels. */
export function dequantizeInto(k: Kernels, quantized: number, planes: Plane[], bitDepth: 8 | 16): void {
  const first = planes[0]!;
  const pixels = first.width * first.height;
  const maxValue = fullScale(bitDepth);
  planes.forEach((plane, c) => {
    if (bitDepth === 8) k.deinterleaveU8(quantized, pixels, planes.length, c, plane.ptr, 1 / maxValue);
    else k.deinterleaveU16(quantized, pixels, planes.length, c, plane.ptr, 1 / maxValue);
  });
}

/**
 * Rounds each plane in place to what `bitDepth` integers hold (quantizePlanes then dequantizeInto), one plane at
 * a time: for frames whose pixels are not written out, where the interleaved buffer is not needed.
 */
export function roundToDepth(k: Kernels, planes: Plane[], bitDepth: 8 | 16): void {
  for (const plane of planes) k.arena.scoped(() => dequantizeInto(k, quantizePlanes(k, [plane], bitDepth), [plane], bitDepth));
}

/**
 * Copies the sub-rectangle (x0, y0, w, h) of an interleaved arena buffer of row width `fullWidth` out of the
 * arena into a host-owned block (the sink may keep it after the arena is reused).
 */
export function extractBlock(
  k: Kernels, buffer: number, fullWidth: number, channels: 1 | 3, bitDepth: 8 | 16,
  x0: number, y0: number, w: number, h: number,
): PixelBlock {
  const bytesPer = bytesPerSample(bitDepth);
  const rowElems = w * channels;
  const out = sampleArray(bitDepth, rowElems * h);
  for (let y = 0; y < h; y++) {
    const start = buffer + ((y0 + y) * fullWidth + x0) * channels * bytesPer;
    const row = bitDepth === 8 ? k.arena.u8(start, rowElems) : k.arena.u16(start, rowElems);
    out.set(row, y * rowElems);
  }
  return { width: w, height: h, channels, data: out, maxValue: fullScale(bitDepth) };
}
