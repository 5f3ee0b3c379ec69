import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import type { StackSettings } from './options.js';
import type { SlabRange } from './types.js';

export interface SlabOptions {
  /** Frames per slab (at least 2). */
  size: number;
  /** Frames shared by neighbouring slabs (0..size-1). */
  overlap: number;
}

/**
 * Slabs (sub-stacks) of `size` frames, neighbours sharing `overlap` frames, covering the stack; none when one
 * slab would hold everything. Their composites are extra layers a retoucher can paint from (deep stacks are
 * often easier to retouch slab by slab); the final composite does not depend on them, because the fusion
 * accumulators already stream any number of frames in bounded memory.
 */
/** Slabs for the 'slabs' layer output: about this many, so a retoucher paints among a handful of layers. */
const SLAB_LAYERS = 10;

/** Frames per slab when the user left it to us: about SLAB_LAYERS slabs, at least two frames each. */
export function automaticSlabSize(frames: number): number {
  return Math.max(2, Math.ceil(frames / SLAB_LAYERS));
}

/**
 * The slabs a run writes for its settings. The 'slabs' layer output partitions the stack (each frame's
 * weight in one slab, so the masked slab layers can reproduce the composite); otherwise slabs of
 * `slabSize` are optional hidden extras.
 */
export function slabsForSettings(frames: number, settings: Pick<StackSettings, 'layers' | 'slabSize' | 'slabOverlap'>): SlabRange[] {
  return settings.layers === 'slabs'
    ? planSlabs(frames, { size: settings.slabSize >= 2 ? settings.slabSize : automaticSlabSize(frames), overlap: 0 })
    : planSlabs(frames, settings.slabSize >= 2 ? { size: settings.slabSize, overlap: settings.slabOverlap } : undefined);
}

export function planSlabs(frames: number, options: SlabOptions | undefined): SlabRange[] {
  if (!options || options.size < 2 || options.size >= frames) return [];
  const size = Math.floor(options.size);
  const overlap = Math.min(size - 1, Math.max(0, Math.floor(options.overlap)));
  const slabs: SlabRange[] = [];
  for (let first = 0; ; first = slabs[slabs.length - 1]!.last - overlap + 1) {
    const last = Math.min(frames - 1, first + size - 1);
    slabs.push({ first, last });
    if (last === frames - 1) return slabs;
  }
}

/** At most this many slabs are open at once as frames stream by in order. */
export function concurrentSlabs(slabs: SlabRange[]): number {
  let most = 0;
  for (const s of slabs) most = Math.max(most, slabs.filter((t) => t.first <= s.first && t.last >= s.first).length);
  return most;
}

/**
 * Where a slab holds less than this fraction of the stack's weight, its layer shows its own sharpest frames
 * instead; the switch is smooth, and what it changes under the slab's mask stays below 1/255 per slab.
 */
const OWN_WEIGHT_SHARE = 1e-4;

interface SlabSlot {
  /** Σ w_i F_i and Σ w_i under the stack's depth-map weights. */
  sums: Plane[];
  weight: Plane;
  /** Σ s_i² F_i and Σ s_i² under the slab's own sharpness. */
  ownSums: Plane[];
  ownWeight: Plane;
}

/**
 * Per-tile slab composites, the same in every fusion mode. Where the slab holds the stack's sharpest frames,
 * its composite is the depth-map blend of its frames under the stack's weights, C_j = Σ w_i F_i / Σ w_i, so
 * masked slab layers reproduce the depth-map composite; elsewhere it is its own frames weighted by squared
 * sharpness, so the layer still shows the slab's sharpest pixels where a retoucher paints it in. Slots are
 * allocated once per tile (the arena is a stack) and reused as slabs open and close.
 */
export class SlabComposer {
  private readonly slots: SlabSlot[] = [];
  private readonly slotOf = new Map<number, number>();

  constructor(private readonly k: Kernels, private readonly slabs: SlabRange[], private readonly width: number, private readonly height: number, channels: number) {
    const arena = k.arena;
    const planes = (count: number) => Array.from({ length: count }, () => arena.plane(width, height));
    for (let s = 0; s < concurrentSlabs(slabs); s++) {
      this.slots.push({ sums: planes(channels), weight: arena.plane(width, height), ownSums: planes(channels), ownWeight: arena.plane(width, height) });
    }
  }

  get active(): boolean {
    return this.slabs.length > 0;
  }

  /** Slabs that contain frame i. */
  private containing(i: number): number[] {
    return this.slabs.flatMap((s, index) => (s.first <= i && i <= s.last ? [index] : []));
  }

  /**
   * Pass 2: frame i's planes (as written), its depth-map weight `w` and its sharpness `score`, into each slab
   * that holds it; `total` is the stack's total weight (Σ over all frames). `emit` gets each completed slab's
   * composite and its share of the stack's weight, Σ w_i over its frames.
   */
  add(i: number, planes: Plane[], w: Plane, score: Plane, total: Plane, emit: (slab: number, composite: Plane[], weight: Plane) => void): void {
    const k = this.k;
    const arena = k.arena;
    const n = this.width * this.height;
    for (const slab of this.containing(i)) {
      if (i === this.slabs[slab]!.first) {
        const used = new Set(this.slotOf.values());
        const slot = this.slots.findIndex((_, s) => !used.has(s));
        this.slotOf.set(slab, slot);
        const { sums, weight, ownSums, ownWeight } = this.slots[slot]!;
        for (const p of [...sums, weight, ...ownSums, ownWeight]) arena.planeData(p).fill(0);
      }
      const slot = this.slots[this.slotOf.get(slab)!]!;
      arena.scoped(() => {
        const own = arena.plane(this.width, this.height);
        const tmp = arena.plane(this.width, this.height);
        arena.planeData(own).fill(0);
        k.blendNormal(own.ptr, score.ptr, score.ptr, n); // s²
        k.scaleOffset(own.ptr, own.ptr, n, 1, 1e-20); // flat areas: a plain mean
        accumulate(k, planes, w, slot.sums, slot.weight, tmp);
        accumulate(k, planes, own, slot.ownSums, slot.ownWeight, tmp);
      });
      if (i === this.slabs[slab]!.last) {
        emit(slab, this.finish(slot, total), slot.weight);
        this.slotOf.delete(slab);
      }
    }
  }

  /** C_j = a·(stack-weighted mean) + (1 - a)·(own mean), a = W_j / (W_j + share·W). Overwrites the slot's sums. */
  private finish(slot: SlabSlot, total: Plane): Plane[] {
    const k = this.k;
    const arena = k.arena;
    const n = this.width * this.height;
    arena.scoped(() => {
      const share = arena.plane(this.width, this.height);
      const mix = arena.plane(this.width, this.height);
      k.scaleOffset(total.ptr, share.ptr, n, OWN_WEIGHT_SHARE, 1e-30);
      k.addScaled(share.ptr, slot.weight.ptr, n, 1);
      k.divideSafe(slot.weight.ptr, share.ptr, mix.ptr, n, 0, 0);
      slot.sums.forEach((sum, c) => {
        k.divideSafe(sum.ptr, slot.weight.ptr, sum.ptr, n, 1e-30, 0);
        k.divideSafe(slot.ownSums[c]!.ptr, slot.ownWeight.ptr, slot.ownSums[c]!.ptr, n, 1e-30, 0);
        k.blendNormal(slot.ownSums[c]!.ptr, sum.ptr, mix.ptr, n);
      });
    });
    return slot.ownSums;
  }
}

/** sums[c] += weight · planes[c]; total += weight. */
function accumulate(k: Kernels, planes: Plane[], weight: Plane, sums: Plane[], total: Plane, tmp: Plane): void {
  const n = weight.width * weight.height;
  k.addScaled(total.ptr, weight.ptr, n, 1);
  planes.forEach((p, c) => {
    k.arena.planeData(tmp).fill(0);
    k.blendNormal(tmp.ptr, p.ptr, weight.ptr, n); // weight · p over a zero plane
    k.addScaled(sums[c]!.ptr, tmp.ptr, n, 1);
  });
}
