import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';

const fr = Math.fround;

/** r^4 in float32 steps, as the C kernels compute it. */
const fourth = (r: number) => {
  const r2 = fr(r * r);
  return fr(r2 * r2);
};

/** Twin of c/selection.c: running argmax, soft votes, max-abs pyramid selection and the balanced weighting. */
export function selectionKernels(arena: Arena): Pick<Kernels, 'argmaxUpdate' | 'indexVote' | 'pyramidSelect' | 'balanceUpdate' | 'balanceWeight'> {
  const f32 = arena.f32.bind(arena);
  return {
    argmaxUpdate(score, bestScore, bestIndex, n, index) {
      const s = f32(score, n), bs = f32(bestScore, n), bi = f32(bestIndex, n);
      for (let i = 0; i < n; i++) {
        if (s[i]! > bs[i]!) {
          bs[i] = s[i]!;
          bi[i] = index;
        }
      }
    },
    indexVote(bestIndex, weight, dst, n, index, cumulative) {
      const bi = f32(bestIndex, n), w = f32(weight, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = (cumulative ? bi[i]! <= index : bi[i]! === index) ? w[i]! : 0;
    },
    pyramidSelect(score, best, n, channels, src0, dst0, src1, dst1, src2, dst2) {
      const s = f32(score, n), b = f32(best, n);
      const srcs = [src0, src1, src2].slice(0, channels).map((p) => f32(p, n));
      const dsts = [dst0, dst1, dst2].slice(0, channels).map((p) => f32(p, n));
      for (let i = 0; i < n; i++) {
        if (s[i]! > b[i]!) {
          b[i] = s[i]!;
          for (let c = 0; c < channels; c++) dsts[c]![i] = srcs[c]![i]!;
        }
      }
    },
    balanceUpdate(score, bestScore, bestIndex, scoreSum, powerSum, indexSum, n, index, floor) {
      const sc = f32(score, n), bs = f32(bestScore, n), bi = f32(bestIndex, n), ss = f32(scoreSum, n), ps = f32(powerSum, n), is = f32(indexSum, n);
      for (let i = 0; i < n; i++) {
        const s = fr(sc[i]! + floor), b = bs[i]!;
        ss[i] = ss[i]! + s;
        if (s > b) {
          const r = fourth(b > 0 ? fr(b / s) : 0);
          ps[i] = fr(ps[i]! * r) + 1;
          is[i] = fr(is[i]! * r) + index;
          bs[i] = s;
          bi[i] = index;
        } else {
          const r = fourth(fr(s / b));
          ps[i] = ps[i]! + r;
          is[i] = is[i]! + fr(r * index);
        }
      }
    },
    balanceWeight(score, bestScore, bestIndex, flat, powerSum, dst, n, index, floor) {
      const sc = f32(score, n), bs = f32(bestScore, n), bi = f32(bestIndex, n), fl = f32(flat, n), ps = f32(powerSum, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) {
        const r = fourth(Math.min(1, fr(fr(sc[i]! + floor) / bs[i]!)));
        const vote = bi[i] === index ? 1 : 0;
        d[i] = fr((1 - fl[i]!) * vote) + fr(fl[i]! * fr(r / ps[i]!));
      }
    },
  };
}
