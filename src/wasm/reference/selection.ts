import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';

/** Twin of c/selection.c: running argmax, soft votes and max-abs pyramid selection. */
export function selectionKernels(arena: Arena): Pick<Kernels, 'argmaxUpdate' | 'indexVote' | 'pyramidSelect'> {
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
  };
}
