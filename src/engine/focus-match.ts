import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { gaussianBlur } from './filters.js';

/** Blur sigmas (pixels of the planes matched) tried on either frame: a ladder in steps of sqrt(2). */
const SIGMAS = [0.5, 0.7, 1, 1.4, 2, 2.8, 4, 5.6, 8, 11.3];
/**
 * Radius of the box over which the two frames' agreement is judged. Wide, so the choice of which frame to blur
 * holds across an occluding edge's whole blur spread: with radius 7 the choice flipped just beside such edges,
 * the edge's over-blurred tail there pulled every link the same way, and a 20-frame stack drifted 0.29 px
 * (0.17 px with this radius; test/synthetic's medium scene).
 */
const WINDOW = 16;

/**
 * Equalises focus between a template and an image already warped onto it: at every pixel, whichever of the
 * two is sharper is blurred by the sigma (none, or one of SIGMAS) that makes the pair agree best over a
 * (2 WINDOW + 1)² box, agreement being the mean absolute difference after the gain and bias. Returns the
 * two matched planes (allocated in the caller's arena scope); working planes are freed.
 *
 * Why: a change of focus moves what intensity matching sees (a blurred edge looks stretched, a blurred
 * convex shape looks smaller, an occluding edge's blur spreads over what is behind it), and those moves
 * repeat on every link of a focus stack. On a blur-matched pair only the geometry differs.
 */
export function matchFocus(k: Kernels, T: Plane, I: Plane, gain: number, bias: number): { T: Plane; I: Plane } {
  const arena = k.arena;
  const { width: w, height: h } = T;
  const n = w * h;
  const outT = arena.plane(w, h), outI = arena.plane(w, h);
  k.scaleOffset(T.ptr, outT.ptr, n, 1, 0);
  k.scaleOffset(I.ptr, outI.ptr, n, 1, 0);
  arena.scoped(() => {
    const plane = () => arena.plane(w, h);
    const best = plane(), index = plane(), score = plane(), tmp = plane(), mask = plane(), ones = plane();
    const blurredT = plane(), blurredI = plane();
    k.scaleOffset(T.ptr, blurredT.ptr, n, 1, 0);
    k.scaleOffset(I.ptr, blurredI.ptr, n, 1, 0);
    arena.planeData(ones).fill(1);
    arena.planeData(index).fill(0);
    // score = -(box mean of |image - (gain * template + bias)|); higher is better.
    const agreement = (t: Plane, i: Plane) => {
      k.scaleOffset(t.ptr, score.ptr, n, gain, bias);
      k.addScaled(score.ptr, i.ptr, n, -1);
      k.absolute(score.ptr, score.ptr, n);
      k.boxMeanRunning(score.ptr, score.ptr, tmp.ptr, w, h, WINDOW);
      k.scaleOffset(score.ptr, score.ptr, n, -1, 0);
    };
    agreement(T, I);
    k.scaleOffset(score.ptr, best.ptr, n, 1, 0);
    let previous = 0, candidate = 0;
    for (const sigma of SIGMAS) {
      // Gaussians compose: blurring by sqrt(s1² - s0²) takes sigma s0 to s1.
      const increment = Math.sqrt(sigma * sigma - previous * previous);
      previous = sigma;
      gaussianBlur(k, blurredT, blurredT, tmp, increment);
      gaussianBlur(k, blurredI, blurredI, tmp, increment);
      for (const [t, i] of [[blurredT, I], [T, blurredI]] as const) {
        candidate++;
        agreement(t, i);
        k.argmaxUpdate(score.ptr, best.ptr, index.ptr, n, candidate);
        // Pixels whose best candidate is now this one take its pair.
        k.indexVote(index.ptr, ones.ptr, mask.ptr, n, candidate, 0);
        k.blendNormal(outT.ptr, t.ptr, mask.ptr, n);
        k.blendNormal(outI.ptr, i.ptr, mask.ptr, n);
      }
    }
  });
  return { T: outT, I: outI };
}
