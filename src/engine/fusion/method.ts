import type { Plane } from '../../wasm/arena.js';
import type { Kernels } from '../../wasm/kernels.js';
import type { FocusSelection, FocusWeighting } from '../focus-selection.js';
import type { FusionMode, StackSettings } from '../options.js';
import type { Rect } from '../types.js';

/** What a fusion method gets for one tile: its size, the settings, and the shared depth-map selection. */
export interface TileContext {
  k: Kernels;
  width: number;
  height: number;
  channels: number;
  /** Output bit depth: what half a step of the written composite is. */
  bitDepth: 8 | 16;
  settings: StackSettings;
  /** Pyramid depth for this crop (the settings' levels, fewer for small crops). */
  levels: number;
  /** The running argmax of sharpness over frames, updated by the pipeline in pass 1 after `addFrame`. */
  selection: FocusSelection;
  /** The tile's core (tile coordinates): the pixels it writes. */
  core: Rect;
}

/**
 * One fusion method: how frames become the composite. Every method shares the pipeline's two passes over
 * the frames of a tile — pass 1 measures focus (the depth-map selection every mode's layer masks come
 * from), pass 2 blends each frame with its depth-map weight (the `blend`, which the masked layers
 * reproduce) — and adds its own accumulators. A new method is one new file listed in fusion/index.ts.
 */
export interface FusionMethod {
  readonly mode: FusionMode;
  /** Float planes per outer-tile pixel of this method's accumulators, live for the whole tile. */
  accumulatorPlanes(channels: number): number;
  /** Float planes per pixel the method adds while it takes in one frame in pass 1 (besides the frame's colour). */
  framePlanes(channels: number): number;
  /**
   * Tile margin this method's filters need. `blendReach` is how far in from a tile's edge the depth-map blend
   * (and the focus selection) are exact: a method that filters them must add its own reach to it.
   */
  reach(levels: number, blendReach: number): number;
  /** Tiles start at multiples of this (crop coordinates), so a tile computes exactly what the whole image would. */
  tileGrid(levels: number): number;
  /** Pass 1 hands `addFrame` each frame's aligned colour planes; otherwise pass 1 reads luminance only. */
  readonly readsColour: boolean;
  /** How the depth map's weights (its blend, the layer masks and the depth map) are made from the focus measure. */
  readonly weighting: FocusWeighting;
  /** Accumulators for one tile, allocated in the arena scope of the caller. */
  createTile(context: TileContext): TileFusion;
}

export interface TileFusion {
  /** Pass 1, frames in stack order: the frame's aligned colour planes (only when the method reads colour). */
  addFrame(index: number, planes: Plane[]): void;
  /** After the passes: one plane per channel, from pass 2's depth-map blend (which it may change in place). */
  composite(blend: Plane[]): Plane[];
  /** After `composite`: how many pixels of the core took pyramid detail (the composite differs from the blend there). */
  pyramidPixels(): number;
}
