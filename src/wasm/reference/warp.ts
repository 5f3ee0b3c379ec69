import type { Arena, Ptr } from '../arena.js';
import type { Kernels } from '../kernels.js';
import { clampIndex, sampleBilinear } from './sampling.js';

/** Twin of c/warp.c: affine warps, bicubic (Catmull-Rom) and bilinear, clamp-to-edge. */
export function warpKernels(arena: Arena): Pick<Kernels, 'warpAffineBicubic' | 'warpAffineBilinear'> {
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);

  function warp(bicubic: boolean, src: Ptr, sw: number, sh: number, dst: Ptr, dw: number, dh: number,
    m00: number, m01: number, m02: number, m10: number, m11: number, m12: number, dx = 0, dy = 0, sx = 0, sy = 0): void {
    const s = arena.f32(src, sw * sh);
    const d = arena.f32(dst, dw * dh);
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const u = (m00 * (x + dx) + (m01 * (y + dy) + m02)) - sx;
        const v = (m10 * (x + dx) + (m11 * (y + dy) + m12)) - sy;
        if (!bicubic) {
          d[y * dw + x] = sampleBilinear(s, sw, sh, u, v);
          continue;
        }
        const x0 = Math.floor(u), y0 = Math.floor(v);
        cubicWeights(u - x0, wx);
        cubicWeights(v - y0, wy);
        let acc = 0;
        for (let j = 0; j < 4; j++) {
          const row = clampIndex(y0 - 1 + j, sh) * sw;
          let r = 0;
          for (let i = 0; i < 4; i++) r += wx[i]! * s[row + clampIndex(x0 - 1 + i, sw)]!;
          acc += wy[j]! * r;
        }
        d[y * dw + x] = acc;
      }
    }
  }

  return {
    warpAffineBicubic(src, sw, sh, srcPlane, dst, dw, dh, dstPlane, channels, m00, m01, m02, m10, m11, m12, dx, dy, sx, sy) {
      for (let c = 0; c < channels; c++) warp(true, src + 4 * c * srcPlane, sw, sh, dst + 4 * c * dstPlane, dw, dh, m00, m01, m02, m10, m11, m12, dx, dy, sx, sy);
    },
    warpAffineBilinear(src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12) {
      warp(false, src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12);
    },
  };
}

/** Catmull-Rom (Keys a = -0.5) weights for fractional offset t. */
function cubicWeights(t: number, out: Float64Array): void {
  const t2 = t * t, t3 = t2 * t;
  out[0] = -0.5 * t3 + t2 - 0.5 * t;
  out[1] = 1.5 * t3 - 2.5 * t2 + 1;
  out[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  out[3] = 0.5 * t3 - 0.5 * t2;
}
