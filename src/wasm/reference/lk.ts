import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';
import { sampleBilinear } from './sampling.js';

/** Twin of c/lk.c: one Gauss-Newton step's normal equations for similarity + gain/bias alignment, Cauchy-weighted. */
export function lkKernels(arena: Arena): Pick<Kernels, 'lkAccumulate'> {
  const f32 = arena.f32.bind(arena);
  return {
    lkAccumulate(T, I, Ix, Iy, prior, w, h, step, params, out) {
      const t = f32(T, w * h), im = f32(I, w * h), gx = f32(Ix, w * h), gy = f32(Iy, w * h);
      const pw = prior ? f32(prior, w * h) : undefined;
      const p = arena.f64(params, 9);
      const [cx, cy, a, b, tx, ty, alpha, beta, robust] = [p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!];
      const o = arena.f64(out, 31);
      o.fill(0);
      const J = new Float64Array(6);
      for (let y = 0; y < h; y += step) {
        for (let x = 0; x < w; x += step) {
          const u = x - cx, v = y - cy;
          const xp = (1 + a) * u - b * v + cx + tx;
          const yp = b * u + (1 + a) * v + cy + ty;
          if (xp < 0 || yp < 0 || xp > w - 1 || yp > h - 1) continue;
          const iv = sampleBilinear(im, w, h, xp, yp);
          const ix = sampleBilinear(gx, w, h, xp, yp);
          const iy = sampleBilinear(gy, w, h, xp, yp);
          const tv = t[y * w + x]!;
          const r = iv - alpha * tv - beta;
          const wt = (robust > 0 ? 1 / (1 + (r * r) / robust) : 1) * (pw ? pw[y * w + x]! : 1);
          J[0] = ix * u + iy * v;
          J[1] = -ix * v + iy * u;
          J[2] = ix;
          J[3] = iy;
          J[4] = -tv;
          J[5] = -1;
          let k = 0;
          for (let i = 0; i < 6; i++) for (let j = i; j < 6; j++) o[k++] += wt * J[i]! * J[j]!;
          for (let i = 0; i < 6; i++) o[21 + i] += wt * J[i]! * r;
          o[27] += wt * r * r;
          o[28] += 1;
          o[29] += wt;
          o[30] += r * r;
        }
      }
    },
  };
}
