import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';

/** Twin of c/pixels.c: interleaved integer pixels <-> float planes. */
export function pixelKernels(arena: Arena): Pick<Kernels, 'deinterleaveU8' | 'deinterleaveU16' | 'interleaveU8' | 'interleaveU16'> {
  const f32 = arena.f32.bind(arena);
  return {
    deinterleaveU8(src, pixels, components, component, dst, scale) {
      deinterleave(arena.u8(src, pixels * components), pixels, components, component, f32(dst, pixels), scale);
    },
    deinterleaveU16(src, pixels, components, component, dst, scale) {
      deinterleave(arena.u16(src, pixels * components), pixels, components, component, f32(dst, pixels), scale);
    },
    interleaveU8(src, pixels, components, component, dst, scale, maxValue) {
      interleave(f32(src, pixels), pixels, components, component, arena.u8(dst, pixels * components), scale, maxValue);
    },
    interleaveU16(src, pixels, components, component, dst, scale, maxValue) {
      interleave(f32(src, pixels), pixels, components, component, arena.u16(dst, pixels * components), scale, maxValue);
    },
  };
}

function deinterleave(s: Uint8Array | Uint16Array, pixels: number, components: number, component: number, d: Float32Array, scale: number): void {
  for (let i = 0; i < pixels; i++) d[i] = s[i * components + component]! * scale;
}

/** Round to nearest, clamp to 0..maxValue, NaN to 0. */
function interleave(s: Float32Array, pixels: number, components: number, component: number, d: Uint8Array | Uint16Array, scale: number, maxValue: number): void {
  for (let i = 0; i < pixels; i++) {
    const v = Math.floor(s[i]! * scale + 0.5);
    d[i * components + component] = v > 0 ? (v < maxValue ? v : maxValue) : 0;
  }
}
