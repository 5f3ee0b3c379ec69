import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { gaussianBlur } from './filters.js';

/** Blur of the residual before squaring, in pixels of the planes: white noise averages out, structure stays. */
const RESIDUAL_SIGMA = 2;
/** Spread of the residual energy: a pixel near an unmatched edge shares its weight. */
const ENERGY_SIGMA = 4;
/** Every n-th pixel is enough to find the median energy. */
const MEDIAN_STRIDE = 7;

/**
 * Per-pixel weights for registering a blur-matched pair: w = 1 / (1 + E / median E), E being the local
 * energy of the low-passed residual I - (gain T + bias). Allocated in the caller's arena scope.
 *
 * Why not Cauchy weights on each pixel's residual: after focus matching, what the pair still disagrees on is
 * spatially coherent (an occluding edge whose blur spreads over a differently blurred background, a thin mark
 * aliased differently at another scale), and it pulls every link of a focus stack the same way, so chained
 * links drift. Per pixel, sensor noise hides it: the Cauchy scale follows the noise, and noisy stacks drifted
 * most (test/synthetic's flat and noisy scene: 0.8 px over 6 links). Low-passed, noise averages out and the
 * unmatched regions stand out.
 */
export function coherentResidualWeights(k: Kernels, T: Plane, I: Plane, gain: number, bias: number): Plane {
  const arena = k.arena;
  const { width: w, height: h } = T;
  const n = w * h;
  const out = arena.plane(w, h);
  arena.scoped(() => {
    const tmp = arena.plane(w, h);
    k.scaleOffset(T.ptr, out.ptr, n, gain, bias);
    k.addScaled(out.ptr, I.ptr, n, -1);
    gaussianBlur(k, out, out, tmp, RESIDUAL_SIGMA);
    const energy = arena.planeData(out);
    for (let i = 0; i < n; i++) energy[i] = energy[i]! * energy[i]!;
    gaussianBlur(k, out, out, tmp, ENERGY_SIGMA);
    const sample = new Float32Array(Math.ceil(n / MEDIAN_STRIDE));
    for (let i = 0, j = 0; i < n; i += MEDIAN_STRIDE) sample[j++] = energy[i]!;
    sample.sort();
    const scale = Math.max(1e-12, sample[sample.length >> 1]!);
    for (let i = 0; i < n; i++) energy[i] = 1 / (1 + energy[i]! / scale);
  });
  return out;
}
