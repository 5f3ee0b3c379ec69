import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { matchFocus } from './focus-match.js';
import { compose, invert, similarity } from './geometry.js';
import { coherentResidualWeights } from './residual-weights.js';
import type { Affine, Rect } from './types.js';

export type PairModel = 'similarity' | 'translation';

/** One registration of an image to its template, in the template's analysis-level coordinates. */
export interface PairFit {
  /** Template coordinates -> image coordinates. */
  warp: Affine;
  /** RMS of the intensity residual (unweighted) at the end. */
  residual: number;
  converged: boolean;
}

/** Similarity + gain/bias: x' = (1+a)(x-cx) - b(y-cy) + cx + tx, y' = b(x-cx) + (1+a)(y-cy) + cy + ty; I ≈ alpha T + beta. */
interface WarpState {
  a: number;
  b: number;
  tx: number;
  ty: number;
  alpha: number;
  beta: number;
}

/** The blur-matched refinement runs at the coarsest pyramid level whose long side is at least this. */
const MATCH_SIDE = 480;
/** Blur-matched rounds: each re-warps, re-matches focus and re-estimates. */
const MATCH_ROUNDS = 4;

/**
 * Registers `image` to `template` (Gaussian pyramids of luminance, finest first; level l pixel x sits at
 * finest-level 2^l x). Forward-additive Gauss-Newton (Lucas-Kanade) on a similarity warp with gain and bias,
 * coarse to fine with Cauchy weights down to the match level, then MATCH_ROUNDS rounds of the same on a
 * blur-matched pair (see matchFocus) at that level, weighted by how well the pair matched locally (see
 * coherentResidualWeights). The result is in finest-level coordinates.
 *
 * Why the blur matching (measured on test/synthetic scenes, see test/align.test.ts): neighbouring frames
 * differ in focus, and plain intensity matching reads the resulting apparent moves as geometry the same way
 * on every link, so chained links drifted linearly with the distance from the reference (a 60-frame stack:
 * 1.1 px at the far end). The finest level is not used after matching: there, unmatched, the bias returns,
 * and half the analysis resolution is precise enough.
 */
export function registerPair(k: Kernels, template: Plane[], image: Plane[], model: PairModel): PairFit {
  const levels = Math.min(template.length, image.length);
  const finest = template[0]!;
  let matchLevel = 0;
  while (matchLevel + 1 < levels && Math.max(template[matchLevel + 1]!.width, template[matchLevel + 1]!.height) >= MATCH_SIDE) matchLevel++;
  const state: WarpState = { a: 0, b: 0, tx: 0, ty: 0, alpha: 1, beta: 0 };
  const centre = (s: number): [number, number] => [(finest.width - 1) / 2 / s, (finest.height - 1) / 2 / s];
  let fit = { residual: 0, converged: false };
  // Down to the level above the match level: the blur-matched rounds take over there (unmatched, that level
  // would only pull the estimate toward the focus bias the rounds then remove).
  for (let level = levels - 1; level >= Math.min(levels - 1, matchLevel + 1); level--) {
    fit = iterate(k, template[level]!, image[level]!, centre(2 ** level), 2 ** level, state, model);
  }
  if (fit.converged) {
    for (let round = 0; round < MATCH_ROUNDS; round++) {
      fit = refineMatched(k, template[matchLevel]!, image[matchLevel]!, centre(2 ** matchLevel), 2 ** matchLevel, state, model, round < MATCH_ROUNDS - 1) ?? fit;
    }
  }
  const [cx, cy] = centre(1);
  return { warp: similarity(cx, cy, state.a, state.b, state.tx, state.ty), ...fit };
}

/**
 * Gauss-Newton iterations on one pair of planes whose pixels are `s` finest-level pixels, updating `state`
 * (translations in finest-level pixels); `centre` is the warp's centre in these planes' pixels. `coarse`
 * samples every other pixel each way: enough for a round whose result the next round refines.
 */
function iterate(k: Kernels, T: Plane, I: Plane, centre: [number, number], s: number, state: WarpState, model: PairModel, coarse = false, weights?: Plane): { residual: number; converged: boolean } {
  const arena = k.arena;
  return arena.scoped(() => {
    const { width: w, height: h } = T;
    const ix = arena.plane(w, h), iy = arena.plane(w, h);
    k.gradient(I.ptr, ix.ptr, iy.ptr, w, h);
    const params = arena.alloc(9 * 8), out = arena.alloc(31 * 8);
    const step = coarse || w * h > 250_000 ? 2 : 1;
    let robust = 0, residual = 0;
    for (let iter = 0; iter < 40; iter++) {
      arena.f64(params, 9).set([centre[0], centre[1], state.a, state.b, state.tx / s, state.ty / s, state.alpha, state.beta, robust]);
      k.lkAccumulate(T.ptr, I.ptr, ix.ptr, iy.ptr, weights?.ptr ?? 0, w, h, step, params, out);
      const sums = arena.f64(out, 31);
      const count = sums[28]!;
      if (count < 64) break;
      residual = Math.sqrt(sums[30]! / count);
      const delta = solveNormalEquations(sums, model);
      if (!delta) break;
      state.a += delta[0]!;
      state.b += delta[1]!;
      state.tx += delta[2]! * s;
      state.ty += delta[3]! * s;
      state.alpha += delta[4]!;
      state.beta += delta[5]!;
      // Without given weights, Cauchy weights from the next iteration on, at the scale of the weighted RMS
      // residual, discount pixels the model cannot explain (occlusion edges, a moved subject).
      if (!weights) robust = sums[27]! / Math.max(1e-12, sums[29]!);
      const moved = Math.hypot(delta[2]!, delta[3]!) + (Math.abs(delta[0]!) + Math.abs(delta[1]!)) * Math.max(w, h);
      if (moved < 0.01) return { residual, converged: true };
    }
    return { residual, converged: false };
  });
}

/**
 * One blur-matched round at one level: the image is warped onto the template's pixels with the estimate so
 * far (bicubic, over the rectangle where the warp stays inside the image), focus is matched, and the
 * remaining warp is estimated and composed into `state`. Undefined (state unchanged) when it cannot.
 */
function refineMatched(k: Kernels, T: Plane, I: Plane, centre: [number, number], s: number, state: WarpState, model: PairModel, coarse: boolean): { residual: number; converged: boolean } | undefined {
  const arena = k.arena;
  return arena.scoped(() => {
    const { width: w, height: h } = T;
    const warp = similarity(centre[0], centre[1], state.a, state.b, state.tx / s, state.ty / s);
    const rect = innerRect(warp, w, h, 3);
    if (!rect) return undefined;
    const { left, top, width: cw, height: ch } = rect;
    const cutT = arena.plane(cw, ch), warpedI = arena.plane(cw, ch);
    const tData = arena.planeData(T), cut = arena.planeData(cutT);
    for (let y = 0; y < ch; y++) cut.set(tData.subarray((top + y) * w + left, (top + y) * w + left + cw), y * cw);
    const toImage = compose(warp, [1, 0, left, 0, 1, top]);
    k.warpAffineBicubic(I.ptr, w, h, 0, warpedI.ptr, cw, ch, 0, 1, ...toImage, 0, 0, 0, 0);
    const matched = matchFocus(k, cutT, warpedI, state.alpha, state.beta);
    const local: WarpState = { a: 0, b: 0, tx: 0, ty: 0, alpha: state.alpha, beta: state.beta };
    const localCentre: [number, number] = [(cw - 1) / 2, (ch - 1) / 2];
    // Weights from the residual at the round's starting warp, then once more at the warp found with them.
    let fit = iterate(k, matched.T, matched.I, localCentre, 1, local, model, coarse, coherentResidualWeights(k, matched.T, matched.I, state.alpha, state.beta));
    if (!fit.converged) return undefined;
    const rewarped = arena.plane(cw, ch);
    k.warpAffineBilinear(matched.I.ptr, cw, ch, rewarped.ptr, cw, ch, ...similarity(...localCentre, local.a, local.b, local.tx, local.ty));
    fit = iterate(k, matched.T, matched.I, localCentre, 1, local, model, coarse, coherentResidualWeights(k, matched.T, rewarped, local.alpha, local.beta));
    if (!fit.converged) return undefined;
    // total = warp ∘ shift(left, top) ∘ local ∘ shift(-left, -top), expressed about `centre` again.
    const total = compose(toImage, compose(similarity(...localCentre, local.a, local.b, local.tx, local.ty), [1, 0, -left, 0, 1, -top]));
    const [cx, cy] = centre;
    state.a = total[0] - 1;
    state.b = total[3];
    state.tx = (total[2] + total[0] * cx - total[3] * cy - cx) * s;
    state.ty = (total[5] + total[3] * cx + total[0] * cy - cy) * s;
    state.alpha = local.alpha;
    state.beta = local.beta;
    return fit;
  });
}

/** The axis-aligned rectangle of template pixels, `margin` in from the edges, whose warp lands inside the image. */
function innerRect(warp: Affine, w: number, h: number, margin: number): Rect | undefined {
  const back = invert(warp);
  const xs: number[] = [], ys: number[] = [];
  for (const [x, y] of [[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]] as const) {
    xs.push(back[0] * x + back[1] * y + back[2]);
    ys.push(back[3] * x + back[4] * y + back[5]);
  }
  // The image's outline pulled back is a slightly turned rectangle: the inner two of its sorted corner
  // coordinates bound the part inside it.
  xs.sort((p, q) => p - q);
  ys.sort((p, q) => p - q);
  const left = Math.max(0, Math.ceil(xs[1]!) + margin), right = Math.min(w - 1, Math.floor(xs[2]!) - margin);
  const top = Math.max(0, Math.ceil(ys[1]!) + margin), bottom = Math.min(h - 1, Math.floor(ys[2]!) - margin);
  if (right - left < 32 || bottom - top < 32) return undefined;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * Solves (sum w J J^T) delta = -(sum w J r) for the 6 parameters with light Levenberg damping; parameters the
 * model does not use are held at zero.
 */
function solveNormalEquations(sums: Float64Array, model: PairModel): number[] | undefined {
  const active = model === 'translation' ? [2, 3, 4, 5] : [0, 1, 2, 3, 4, 5];
  const full: number[][] = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  let idx = 0;
  for (let r = 0; r < 6; r++) {
    for (let c = r; c < 6; c++) {
      full[r]![c] = sums[idx]!;
      full[c]![r] = sums[idx]!;
      idx++;
    }
  }
  const A = active.map((r) => active.map((c) => full[r]![c]!));
  for (let i = 0; i < active.length; i++) A[i]![i]! *= 1 + 1e-6;
  const x = solveLinear(A, active.map((r) => -sums[21 + r]!));
  if (!x) return undefined;
  const delta = new Array<number>(6).fill(0);
  active.forEach((p, i) => (delta[p] = x[i]!));
  return delta;
}

/** Gaussian elimination with partial pivoting; undefined when singular. */
function solveLinear(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    if (Math.abs(M[pivot]![col]!) < 1e-300) return undefined;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = M[r]![col]! / M[col]![col]!;
      for (let c = col; c <= n; c++) M[r]![c]! -= f * M[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= M[r]![c]! * x[c]!;
    x[r] = s / M[r]![r]!;
  }
  return x.every(Number.isFinite) ? x : undefined;
}
