import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';

/** Twin of c/arith.c: per-pixel arithmetic on float planes. */
export function arithKernels(
  arena: Arena,
): Pick<Kernels, 'luminance' | 'absolute' | 'addScaled' | 'scaleOffset' | 'divideSafe' | 'blendNormal' | 'minUpdate' | 'smoothStepRatio'> {
  const f32 = arena.f32.bind(arena);
  return {
    luminance(r, g, b, dst, n, wr, wg, wb) {
      const R = f32(r, n), G = f32(g, n), Bl = f32(b, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = wr * R[i]! + wg * G[i]! + wb * Bl[i]!;
    },
    absolute(src, dst, n) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = Math.abs(s[i]!);
    },
    addScaled(dst, src, n, weight) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = d[i]! + weight * s[i]!;
    },
    scaleOffset(src, dst, n, scale, offset) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = s[i]! * scale + offset;
    },
    divideSafe(num, den, dst, n, eps, fallback) {
      const a = f32(num, n), b = f32(den, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = b[i]! > eps ? a[i]! / b[i]! : fallback;
    },
    blendNormal(dst, src, mask, n) {
      const d = f32(dst, n), s = f32(src, n), m = f32(mask, n);
      for (let i = 0; i < n; i++) d[i] = m[i]! * s[i]! + (1 - m[i]!) * d[i]!;
    },
    minUpdate(dst, src, n) {
      const d = f32(dst, n), s = f32(src, n);
      for (let i = 0; i < n; i++) d[i] = s[i]! < d[i]! ? s[i]! : d[i]!;
    },
    smoothStepRatio(num, den, dst, n, scale, lo, hi) {
      const a = f32(num, n), b = f32(den, n), d = f32(dst, n);
      const inv = Math.fround(1 / (hi - lo));
      for (let i = 0; i < n; i++) {
        const t = Math.min(1, Math.max(0, Math.fround((Math.fround(Math.fround(a[i]! * scale) / b[i]!) - lo) * inv)));
        d[i] = t * t * (3 - 2 * t);
      }
    },
  };
}
