import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { loadKernels } from '../src/wasm/loader.js';
import type { KernelKind, Kernels } from '../src/wasm/kernels.js';
import { mulberry32 } from './synthetic/generator.js';

// Any fallback message means a build did not load: fail rather than compare a backend with itself.
const load = (prefer: KernelKind) => loadNodeKernels(prefer, (m) => { throw new Error(m); });

/** Runs `body` on every backend with identical inputs and returns each backend's outputs. */
async function onAll(body: (k: Kernels, rand: () => number) => Float32Array[] | Float64Array[]): Promise<Record<KernelKind, (Float32Array | Float64Array)[]>> {
  const out = {} as Record<KernelKind, (Float32Array | Float64Array)[]>;
  for (const kind of ['typescript', 'wasm-scalar', 'wasm-simd'] as KernelKind[]) {
    const k = await load(kind);
    expect(k.kind).toBe(kind);
    out[kind] = body(k, mulberry32(42)).map((a) => a.slice());
  }
  return out;
}

function expectClose(results: Record<KernelKind, (Float32Array | Float64Array)[]>, relative = 1e-5) {
  const ref = results.typescript;
  for (const kind of ['wasm-scalar', 'wasm-simd'] as KernelKind[]) {
    results[kind].forEach((arr, j) => {
      const r = ref[j]!;
      expect(arr.length).toBe(r.length);
      let scale = 0;
      r.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
      for (let i = 0; i < arr.length; i++) {
        if (Math.abs(arr[i]! - r[i]!) > relative * Math.max(1, scale)) {
          throw new Error(`${kind} output ${j}[${i}] = ${arr[i]} differs from the TypeScript twin's ${r[i]}`);
        }
      }
    });
  }
}

function randomPlane(k: Kernels, w: number, h: number, rand: () => number, lo = 0, hi = 1) {
  const p = k.arena.plane(w, h);
  const d = k.arena.planeData(p);
  for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rand();
  return p;
}

const SIZES: [number, number][] = [[1, 1], [1, 9], [9, 1], [2, 1], [5, 3], [7, 5], [33, 17], [64, 48]];

describe('wasm kernels match their TypeScript twins', () => {
  it('deinterleave and interleave, 8 and 16 bit, with clamping', async () => {
    expectClose(await onAll((k, rand) => {
      const n = 37;
      const src = k.arena.alloc(n * 3 * 2);
      k.arena.u16(src, n * 3).set(Array.from({ length: n * 3 }, () => Math.floor(rand() * 65536)));
      const src8 = k.arena.alloc(n * 3);
      k.arena.u8(src8, n * 3).set(Array.from({ length: n * 3 }, () => Math.floor(rand() * 256)));
      const a = k.arena.plane(n, 1), b = k.arena.plane(n, 1);
      k.deinterleaveU16(src, n, 3, 1, a.ptr, 1 / 65535);
      k.deinterleaveU8(src8, n, 3, 2, b.ptr, 1 / 255);
      const wild = randomPlane(k, n, 1, rand, -0.5, 1.5);
      k.arena.planeData(wild)[0] = NaN;
      const out16 = k.arena.alloc(n * 3 * 2);
      k.arena.u16(out16, n * 3).fill(7);
      k.interleaveU16(wild.ptr, n, 3, 0, out16, 65535, 65535);
      const out8 = k.arena.alloc(n);
      k.interleaveU8(wild.ptr, n, 1, 0, out8, 255, 255);
      return [k.arena.planeData(a), k.arena.planeData(b), Float32Array.from(k.arena.u16(out16, n * 3)), Float32Array.from(k.arena.u8(out8, n))];
      // Float planes agree to float32 rounding; integer outputs (scale <= 65535) therefore exactly.
    }), 1e-6);
  });

  it('warps (bicubic, bilinear), including far outside the source', async () => {
    for (const [w, h] of SIZES) {
      expectClose(await onAll((k, rand) => {
        const src = randomPlane(k, w, h, rand);
        const a = k.arena.plane(w + 3, h + 2), b = k.arena.plane(w + 3, h + 2);
        k.warpAffineBicubic(src.ptr, w, h, 0, a.ptr, w + 3, h + 2, 0, 1, 1.03, 0.02, -1.3, -0.02, 0.97, 0.7, 0, 0, 0, 0);
        k.warpAffineBilinear(src.ptr, w, h, b.ptr, w + 3, h + 2, 0.5, 0.1, -5, 0.3, 2, 3.3);
        return [k.arena.planeData(a), k.arena.planeData(b)];
      }));
    }
  });

  it('SIMD and scalar bicubic warps agree bit for bit (no fused multiply-add in wasm), one channel or three at once', async () => {
    // A near-identity warp (the SIMD build's consecutive-taps path) and a rotated, scaled one (its gathers).
    const warps: [number, number, number, number, number, number][] = [[1.0004, 0.0003, 0.6, -0.0003, 1.0004, -0.4], [1.013, 0.021, -3.3, -0.019, 0.991, 2.7]];
    for (const m of warps) {
      const results = await onAll((k, rand) => {
        const src = [randomPlane(k, 97, 61, rand), randomPlane(k, 97, 61, rand), randomPlane(k, 97, 61, rand)];
        const dst = [k.arena.plane(101, 59), k.arena.plane(101, 59), k.arena.plane(101, 59)];
        const one = k.arena.plane(101, 59);
        const stride = (p: { ptr: number }[]) => (p[1]!.ptr - p[0]!.ptr) / 4;
        k.warpAffineBicubic(src[0]!.ptr, 97, 61, stride(src), dst[0]!.ptr, 101, 59, stride(dst), 3, ...m, 5, -3, 2, 1);
        k.warpAffineBicubic(src[2]!.ptr, 97, 61, 0, one.ptr, 101, 59, 0, 1, ...m, 5, -3, 2, 1);
        // Three channels at once give each channel exactly what warping it alone gives.
        expect(Array.from(k.arena.planeData(one))).toEqual(Array.from(k.arena.planeData(dst[2]!)));
        return dst.map((p) => k.arena.planeData(p));
      });
      for (let c = 0; c < 3; c++) expect(Array.from(results['wasm-simd'][c]!)).toEqual(Array.from(results['wasm-scalar'][c]!));
      expectClose(results);
    }
  });

  it('filters: separable convolution, box blur (radius beyond the plane), gradient, Laplacian energy', async () => {
    for (const [w, h] of SIZES) {
      expectClose(await onAll((k, rand) => {
        const src = randomPlane(k, w, h, rand, -2, 3);
        const taps = k.arena.alloc(16);
        k.arena.f32(taps, 4).set([0.4, 0.2, 0.08, 0.02]);
        const c = k.arena.plane(w, h), t = k.arena.plane(w, h), bx = k.arena.plane(w, h), gx = k.arena.plane(w, h), gy = k.arena.plane(w, h), le = k.arena.plane(w, h);
        const run = k.arena.plane(w, h), runWide = k.arena.plane(w, h);
        k.convolveSeparable(src.ptr, c.ptr, t.ptr, w, h, taps, 3);
        k.boxMeanRunning(src.ptr, run.ptr, t.ptr, w, h, 2);
        k.boxMeanRunning(src.ptr, runWide.ptr, t.ptr, w, h, Math.max(w, h) + 2);
        k.boxBlur(src.ptr, bx.ptr, t.ptr, w, h, Math.max(w, h) + 2);
        k.gradient(src.ptr, gx.ptr, gy.ptr, w, h);
        k.laplacianEnergy(src.ptr, le.ptr, w, h);
        return [c, bx, run, runWide, gx, gy, le].map((p) => k.arena.planeData(p));
      }), 2e-5);
    }
  });

  it('arithmetic, selection and blending', async () => {
    expectClose(await onAll((k, rand) => {
      const n = 101;
      const [a, b, c, idx] = [0, 1, 2, 3].map(() => randomPlane(k, n, 1, rand, -1, 2));
      k.arena.planeData(idx).forEach((_, i, arr) => (arr[i] = i % 5));
      const lum = k.arena.plane(n, 1), abs = k.arena.plane(n, 1), div = k.arena.plane(n, 1), vote = k.arena.plane(n, 1), cum = k.arena.plane(n, 1);
      k.luminance(a.ptr, b.ptr, c.ptr, lum.ptr, n, 0.299, 0.587, 0.114);
      k.absolute(a.ptr, abs.ptr, n);
      k.addScaled(abs.ptr, b.ptr, n, 0.5);
      k.scaleOffset(abs.ptr, abs.ptr, n, 2, -0.25);
      k.divideSafe(a.ptr, b.ptr, div.ptr, n, 0.1, 7);
      k.indexVote(idx.ptr, c.ptr, vote.ptr, n, 2, 0);
      k.indexVote(idx.ptr, c.ptr, cum.ptr, n, 2, 1);
      const best = randomPlane(k, n, 1, rand), bi = k.arena.plane(n, 1);
      k.arena.planeData(bi).fill(9);
      k.argmaxUpdate(a.ptr, best.ptr, bi.ptr, n, 4);
      const d0 = randomPlane(k, n, 1, rand), d1 = randomPlane(k, n, 1, rand), d2 = randomPlane(k, n, 1, rand), sb = randomPlane(k, n, 1, rand);
      k.pyramidSelect(b.ptr, sb.ptr, n, 3, a.ptr, d0.ptr, b.ptr, d1.ptr, c.ptr, d2.ptr);
      const blend = randomPlane(k, n, 1, rand), mask = randomPlane(k, n, 1, rand);
      k.blendNormal(blend.ptr, a.ptr, mask.ptr, n);
      return [lum, abs, div, vote, cum, best, bi, d0, d1, d2, sb, blend].map((p) => k.arena.planeData(p));
    }));
  });

  it('balanced focus weighting, running minimum, smooth step and detail shrinkage', async () => {
    const results = await onAll((k, rand) => {
      const n = 203;
      const frames = 6;
      const best = k.arena.plane(n, 1), index = k.arena.plane(n, 1), sum = k.arena.plane(n, 1), power = k.arena.plane(n, 1), indexSum = k.arena.plane(n, 1);
      k.arena.planeData(best).fill(-1);
      for (const p of [index, sum, power, indexSum]) k.arena.planeData(p).fill(0);
      const scores = Array.from({ length: frames }, () => randomPlane(k, n, 1, rand, 0, 2));
      // Some pixels see no detail in any frame: every score 0, the floor decides.
      for (const s of scores) k.arena.planeData(s).fill(0, 0, 5);
      scores.forEach((s, i) => k.balanceUpdate(s.ptr, best.ptr, index.ptr, sum.ptr, power.ptr, indexSum.ptr, n, i, 1e-9));
      const flat = k.arena.plane(n, 1);
      k.smoothStepRatio(sum.ptr, best.ptr, flat.ptr, n, 1 / frames, 0.4, 0.6);
      const weights = scores.map((s, i) => {
        const w = k.arena.plane(n, 1);
        k.balanceWeight(s.ptr, best.ptr, index.ptr, flat.ptr, power.ptr, w.ptr, n, i, 1e-9);
        return w;
      });
      const least = randomPlane(k, n, 1, rand);
      k.minUpdate(least.ptr, scores[0]!.ptr, n);
      const [sal, floor, d0, d1, d2] = [0, 0.1, -1, -1, -1].map((lo) => randomPlane(k, n, 1, rand, lo, 1));
      k.arena.planeData(sal)[3] = 0;
      k.shrinkDetail(sal.ptr, floor.ptr, n, 3, 3, d0.ptr, d1.ptr, d2.ptr);
      return [best, index, sum, power, indexSum, flat, ...weights, least, d0, d1, d2].map((p) => k.arena.planeData(p));
    });
    expectClose(results);
    for (const [j, plane] of results['wasm-simd'].entries()) expect(Array.from(plane)).toEqual(Array.from(results['wasm-scalar'][j]!));
    // The weights of a pixel sum to 1 over the frames (the running power sum is exact up to rounding).
    const w = results.typescript.slice(6, 12);
    for (let i = 0; i < w[0]!.length; i++) expect(w.reduce((sum, p) => sum + p[i]!, 0)).toBeCloseTo(1, 5);
  });

  it('pyramid reduce and expand on odd and tiny planes', async () => {
    for (const [w, h] of SIZES) {
      expectClose(await onAll((k, rand) => {
        const src = randomPlane(k, w, h, rand);
        const down = k.arena.plane(Math.ceil(w / 2), Math.ceil(h / 2));
        k.pyrDown(src.ptr, w, h, down.ptr);
        const up = randomPlane(k, w, h, rand);
        k.pyrUpAdd(down.ptr, w, h, up.ptr, -1);
        return [k.arena.planeData(down), k.arena.planeData(up)];
      }));
    }
  });

  it('Gauss-Newton normal equations', async () => {
    expectClose(await onAll((k, rand) => {
      const w = 41, h = 29;
      const T = randomPlane(k, w, h, rand), I = randomPlane(k, w, h, rand);
      const gx = k.arena.plane(w, h), gy = k.arena.plane(w, h);
      k.gradient(I.ptr, gx.ptr, gy.ptr, w, h);
      const prior = randomPlane(k, w, h, rand);
      const params = k.arena.alloc(9 * 8), out = k.arena.alloc(31 * 8);
      const results: Float64Array[] = [];
      for (const [robust, weights] of [[0, 0], [0.01, 0], [0, prior.ptr], [0.01, prior.ptr]] as const) {
        k.arena.f64(params, 9).set([20, 14, 0.01, -0.005, 0.7, -0.4, 1.05, 0.02, robust]);
        k.lkAccumulate(T.ptr, I.ptr, gx.ptr, gy.ptr, weights, w, h, robust ? 2 : 1, params, out);
        results.push(k.arena.f64(out, 31).slice());
      }
      return results;
    }), 1e-6);
  });
});

describe('kernel semantics pinned by hand-computed values', async () => {
  const k = await load('wasm-simd');
  it('Laplacian energy of a delta, identity warp, constant blurs and pyramid round trip', () => {
    const w = 7, h = 5;
    const delta = k.arena.plane(w, h);
    k.arena.planeData(delta).fill(0);
    k.arena.planeData(delta)[2 * w + 3] = 1;
    const le = k.arena.plane(w, h);
    k.laplacianEnergy(delta.ptr, le.ptr, w, h);
    const e = k.arena.planeData(le);
    expect(e[2 * w + 3]).toBe(16);
    expect(e[2 * w + 4]).toBe(1);
    expect(e[0]).toBe(0);

    const src = randomPlane(k, w, h, mulberry32(3));
    const warped = k.arena.plane(w, h);
    k.warpAffineBicubic(src.ptr, w, h, 0, warped.ptr, w, h, 0, 1, 1, 0, 0, 0, 1, 0, 7, 3, 7, 3);
    expect(Array.from(k.arena.planeData(warped))).toEqual(Array.from(k.arena.planeData(src)));

    const flat = k.arena.plane(w, h), tmp = k.arena.plane(w, h), out = k.arena.plane(w, h);
    k.arena.planeData(flat).fill(0.25);
    k.boxBlur(flat.ptr, out.ptr, tmp.ptr, w, h, 9);
    k.arena.planeData(out).forEach((v) => expect(v).toBeCloseTo(0.25, 6));

    // Running sums give the direct box mean, up to rounding.
    const ramp = k.arena.plane(w, h), direct = k.arena.plane(w, h);
    k.arena.planeData(ramp).forEach((_, i, d) => (d[i] = ((i * 37) % 11) / 10));
    k.boxBlur(ramp.ptr, direct.ptr, tmp.ptr, w, h, 4);
    k.boxMeanRunning(ramp.ptr, out.ptr, tmp.ptr, w, h, 4);
    const running = k.arena.planeData(out);
    k.arena.planeData(direct).forEach((v, i) => expect(running[i]).toBeCloseTo(v, 5));
    const down = k.arena.plane(4, 3);
    k.pyrDown(flat.ptr, w, h, down.ptr);
    k.arena.planeData(down).forEach((v) => expect(v).toBeCloseTo(0.25, 6));

    // Laplacian level then collapse reconstructs the plane exactly (up to float rounding).
    const lap = k.arena.plane(w, h);
    k.scaleOffset(src.ptr, lap.ptr, w * h, 1, 0);
    const coarse = k.arena.plane(4, 3);
    k.pyrDown(lap.ptr, w, h, coarse.ptr);
    k.pyrUpAdd(coarse.ptr, w, h, lap.ptr, -1);
    k.pyrUpAdd(coarse.ptr, w, h, lap.ptr, 1);
    k.arena.planeData(lap).forEach((v, i) => expect(v).toBeCloseTo(k.arena.planeData(src)[i]!, 5));
  });

  it('a warped pixel is the same whichever tile computes it (absolute coordinates)', async () => {
    // Large offsets and a slight rotation: a matrix composed per tile would round differently in each.
    const m = [1.0031, 0.0017, 3712.37, -0.0017, 1.0031, 2801.91] as const;
    for (const kind of ['wasm-simd', 'wasm-scalar', 'typescript'] as KernelKind[]) {
      const kk = await load(kind);
      const source = randomPlane(kk, 120, 60, mulberry32(5));
      const whole = kk.arena.plane(61, 23), tile = kk.arena.plane(40, 23);
      // The source plane holds frame pixels from (3700, 2790); the whole destination starts at (1, 2), the tile at (22, 2).
      kk.warpAffineBicubic(source.ptr, 120, 60, 0, whole.ptr, 61, 23, 0, 1, ...m, 1, 2, 3700, 2790);
      kk.warpAffineBicubic(source.ptr, 120, 60, 0, tile.ptr, 40, 23, 0, 1, ...m, 22, 2, 3700, 2790);
      const a = kk.arena.planeData(whole), b = kk.arena.planeData(tile);
      for (let y = 0; y < 23; y++) for (let x = 0; x < 40; x++) expect(b[y * 40 + x], kind).toBe(a[y * 61 + x + 21]);
    }
  });

  it('identical images give a zero residual and zero gradient step; Cauchy and prior weights follow', () => {
    const w = 16, h = 12;
    const T = randomPlane(k, w, h, mulberry32(9));
    const gx = k.arena.plane(w, h), gy = k.arena.plane(w, h);
    k.gradient(T.ptr, gx.ptr, gy.ptr, w, h);
    const params = k.arena.alloc(9 * 8), out = k.arena.alloc(31 * 8);
    k.arena.f64(params, 9).set([7.5, 5.5, 0, 0, 0, 0, 1, 0, 0.01]);
    k.lkAccumulate(T.ptr, T.ptr, gx.ptr, gy.ptr, 0, w, h, 1, params, out);
    const sums = k.arena.f64(out, 31);
    expect(sums[27]).toBeCloseTo(0, 10);
    expect(sums[28]).toBe(w * h);
    expect(sums[29]).toBe(w * h);
    for (let i = 21; i < 27; i++) expect(sums[i]).toBeCloseTo(0, 8);

    // A bias of 0.1 everywhere: r = -0.1, weight 1 / (1 + 0.01 / robust).
    k.arena.f64(params, 9).set([7.5, 5.5, 0, 0, 0, 0, 1, 0.1, 0.01]);
    k.lkAccumulate(T.ptr, T.ptr, gx.ptr, gy.ptr, 0, w, h, 1, params, out);
    expect(k.arena.f64(out, 31)[29]).toBeCloseTo((w * h) / 2, 8);
    expect(k.arena.f64(out, 31)[30]).toBeCloseTo(w * h * 0.01, 8);

    // Prior weights multiply in: a quarter of the pixels at 0, the rest at 1, halve the weight sum again.
    const prior = k.arena.plane(w, h);
    k.arena.planeData(prior).forEach((_, i, d) => (d[i] = i % 4 === 0 ? 0 : 1));
    k.lkAccumulate(T.ptr, T.ptr, gx.ptr, gy.ptr, prior.ptr, w, h, 1, params, out);
    expect(k.arena.f64(out, 31)[29]).toBeCloseTo((w * h * 3) / 8, 8);
  });
});

describe('loader fallbacks', () => {
  const wasmDir = new URL('../build/wasm/', import.meta.url);
  it('falls back to scalar, then TypeScript, when modules cannot be read', async () => {
    const messages: string[] = [];
    const k = await loadKernels(async (f) => {
      if (f.includes('simd')) throw new Error('missing');
      return readFile(new URL(f, wasmDir));
    }, { log: (m) => messages.push(m) });
    expect(k.kind).toBe('wasm-scalar');
    const ts = await loadKernels(async () => new Uint8Array([0, 1, 2]), { log: (m) => messages.push(m) });
    expect(ts.kind).toBe('typescript');
    expect(messages.some((m) => m.includes('TypeScript'))).toBe(true);
  });
});
