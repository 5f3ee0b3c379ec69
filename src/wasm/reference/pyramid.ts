import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';
import { reflect } from './sampling.js';

/** [1 4 6 4 1]/16 taps, centre first. */
const B = [6 / 16, 4 / 16, 1 / 16];

/** Twin of c/pyramid.c: Gaussian reduce, Laplacian expand-accumulate and the hybrid's detail shrinkage. */
export function pyramidKernels(arena: Arena): Pick<Kernels, 'pyrDown' | 'pyrUpAdd' | 'shrinkDetail'> {
  const f32 = arena.f32.bind(arena);
  return {
    pyrDown(src, w, h, dst) {
      const s = f32(src, w * h);
      const dw = Math.ceil(w / 2), dh = Math.ceil(h / 2);
      const d = f32(dst, dw * dh);
      const rows = new Float32Array(w * dh);
      for (let y = 0; y < dh; y++) {
        const cy = 2 * y;
        for (let x = 0; x < w; x++) {
          rows[y * w + x] = B[0]! * s[cy * w + x]!
            + B[1]! * (s[reflect(cy - 1, h) * w + x]! + s[reflect(cy + 1, h) * w + x]!)
            + B[2]! * (s[reflect(cy - 2, h) * w + x]! + s[reflect(cy + 2, h) * w + x]!);
        }
      }
      for (let y = 0; y < dh; y++) {
        for (let x = 0; x < dw; x++) {
          const cx = 2 * x;
          const r = y * w;
          d[y * dw + x] = B[0]! * rows[r + cx]!
            + B[1]! * (rows[r + reflect(cx - 1, w)]! + rows[r + reflect(cx + 1, w)]!)
            + B[2]! * (rows[r + reflect(cx - 2, w)]! + rows[r + reflect(cx + 2, w)]!);
        }
      }
    },
    pyrUpAdd(src, w, h, dst, sign) {
      const sw = Math.ceil(w / 2), sh = Math.ceil(h / 2);
      const s = f32(src, sw * sh);
      const d = f32(dst, w * h);
      // Zero-stuffed value at fine position i: src[i/2] for even i, else 0; filter 2*[1 4 6 4 1]/16 per axis.
      const stuffed = (i: number, n: number) => {
        const r = reflect(i, n);
        return r % 2 === 0 ? r / 2 : -1;
      };
      const cols = new Float32Array(sw * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < sw; x++) {
          let acc = 0;
          for (let k = -2; k <= 2; k++) {
            const yy = stuffed(y + k, h);
            if (yy >= 0) acc += 2 * B[Math.abs(k)]! * s[yy * sw + x]!;
          }
          cols[y * sw + x] = acc;
        }
      }
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let acc = 0;
          for (let k = -2; k <= 2; k++) {
            const xx = stuffed(x + k, w);
            if (xx >= 0) acc += 2 * B[Math.abs(k)]! * cols[y * sw + xx]!;
          }
          d[y * w + x] = d[y * w + x]! + sign * acc;
        }
      }
    },
    shrinkDetail(salience, floor, n, kappa, channels, d0, d1, d2) {
      const s = f32(salience, n), f = f32(floor, n);
      const ds = [d0, d1, d2].slice(0, channels).map((p) => f32(p, n));
      for (let i = 0; i < n; i++) {
        const keep = s[i]! > 0 ? 1 - Math.fround(Math.fround(kappa * f[i]!) / s[i]!) : 0;
        const gain = Math.max(0, keep);
        for (const d of ds) d[i] = d[i]! * gain;
      }
    },
  };
}
