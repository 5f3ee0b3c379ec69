import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';
import { arithKernels } from './arith.js';
import { filterKernels } from './filters.js';
import { lkKernels } from './lk.js';
import { pixelKernels } from './pixels.js';
import { pyramidKernels } from './pyramid.js';
import { selectionKernels } from './selection.js';
import { warpKernels } from './warp.js';

/**
 * The TypeScript twins of the C kernels, one module per C file (`reference/warp.ts` is the twin of
 * `c/warp.c`): the executable specification (tests compare the wasm builds against these) and the fallback
 * when WebAssembly cannot load. They work on the same arena memory through fresh typed-array views, with
 * the exact semantics documented on the Kernels interface.
 */
export function createReferenceKernels(arena: Arena): Kernels {
  return {
    kind: 'typescript',
    arena,
    ...pixelKernels(arena),
    ...warpKernels(arena),
    ...filterKernels(arena),
    ...arithKernels(arena),
    ...selectionKernels(arena),
    ...pyramidKernels(arena),
    ...lkKernels(arena),
  };
}
