import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { PyramidFusion } from './pyramid.js';
import type { FusionMode, SlabRange } from './types.js';

export interface SlabOptions {
  /** Frames per sub-stack (at least 2). */
  size: number;
  /** Frames shared by neighbouring sub-stacks (0..size-1). */
  overlap: number;
}

/**
 * Sub-stacks of `size` frames, neighbours sharing `overlap` frames, covering the stack; none when one
 * sub-stack would hold everything. Their composites are extra layers a retoucher can paint from (deep
 * stacks are often easier to retouch slab by slab); the final composite does not depend on them, because
 * the fusion accumulators are associative and already stream any number of frames in bounded memory.
 */
export function planSlabs(frames: number, options: SlabOptions | undefined): SlabRange[] {
  if (!options || options.size >= frames) return [];
  const size = Math.max(2, Math.floor(options.size));
  const overlap = Math.min(size - 1, Math.max(0, Math.floor(options.overlap)));
  const slabs: SlabRange[] = [];
  for (let first = 0; ; first = slabs[slabs.length - 1]!.last - overlap + 1) {
    const last = Math.min(frames - 1, first + size - 1);
    slabs.push({ first, last });
    if (last === frames - 1) return slabs;
  }
}

/** At most this many sub-stacks are open at once as frames stream by in order. */
export function concurrentSlabs(slabs: SlabRange[]): number {
  let most = 0;
  for (const s of slabs) most = Math.max(most, slabs.filter((t) => t.first <= s.first && t.last >= s.first).length);
  return most;
}

/**
 * Per-tile slab composites. Accumulator slots are allocated once per tile (the arena is a stack) and reused
 * as slabs open and close. Pyramid mode fuses each slab's frames with its own pyramid in pass 1; depth-map
 * mode averages the slab's frames with their depth-map weights in pass 2: C = Σ w_i F_i / Σ w_i.
 */
export class SlabComposer {
  private readonly pyramids: PyramidFusion[] = [];
  private readonly sums: { colour: Plane[]; weight: Plane }[] = [];
  private readonly slotOf = new Map<number, number>();

  constructor(
    private readonly k: Kernels, private readonly slabs: SlabRange[], private readonly mode: FusionMode,
    private readonly width: number, private readonly height: number, channels: number, levels: number,
  ) {
    const slots = concurrentSlabs(slabs);
    for (let s = 0; s < slots; s++) {
      if (mode === 'pyramid') this.pyramids.push(new PyramidFusion(k, width, height, channels, levels));
      else this.sums.push({ colour: Array.from({ length: channels }, () => k.arena.plane(width, height)), weight: k.arena.plane(width, height) });
    }
  }

  /** Slabs that contain frame i. */
  private containing(i: number): number[] {
    return this.slabs.flatMap((s, index) => (s.first <= i && i <= s.last ? [index] : []));
  }

  private open(slab: number): number {
    const used = new Set(this.slotOf.values());
    const slot = [...Array(Math.max(this.pyramids.length, this.sums.length)).keys()].find((s) => !used.has(s))!;
    this.slotOf.set(slab, slot);
    if (this.mode === 'pyramid') this.pyramids[slot]!.reset();
    else for (const p of [...this.sums[slot]!.colour, this.sums[slot]!.weight]) this.k.arena.planeData(p).fill(0);
    return slot;
  }

  /** Pass 1, pyramid mode: frame i's aligned planes. Calls `emit` for each slab that frame i completes. */
  addPyramid(i: number, planes: Plane[], emit: (slab: number, composite: Plane[]) => void): void {
    if (this.mode !== 'pyramid') return;
    for (const slab of this.containing(i)) {
      const slot = i === this.slabs[slab]!.first ? this.open(slab) : this.slotOf.get(slab)!;
      this.pyramids[slot]!.add(planes);
      if (i === this.slabs[slab]!.last) {
        emit(slab, this.pyramids[slot]!.result());
        this.slotOf.delete(slab);
      }
    }
  }

  /** Pass 2, depth-map mode: frame i's quantised planes and its weight. */
  addWeighted(i: number, planes: Plane[], weight: Plane, emit: (slab: number, composite: Plane[]) => void): void {
    if (this.mode !== 'depthmap') return;
    const n = this.width * this.height;
    for (const slab of this.containing(i)) {
      const slot = i === this.slabs[slab]!.first ? this.open(slab) : this.slotOf.get(slab)!;
      const sum = this.sums[slot]!;
      planes.forEach((p, c) => {
        this.k.arena.scoped(() => {
          const weighted = this.k.arena.plane(this.width, this.height);
          multiply(this.k, weight, p, weighted);
          this.k.addScaled(sum.colour[c]!.ptr, weighted.ptr, n, 1);
        });
      });
      this.k.addScaled(sum.weight.ptr, weight.ptr, n, 1);
      if (i === this.slabs[slab]!.last) {
        for (const c of sum.colour) this.k.divideSafe(c.ptr, sum.weight.ptr, c.ptr, n, 1e-30, 0);
        emit(slab, sum.colour);
        this.slotOf.delete(slab);
      }
    }
  }
}

/** dst = a * b, with the kernels at hand: blendNormal over a zero plane computes mask * src. */
function multiply(k: Kernels, a: Plane, b: Plane, dst: Plane): void {
  const n = dst.width * dst.height;
  k.arena.planeData(dst).fill(0);
  k.blendNormal(dst.ptr, b.ptr, a.ptr, n);
}
