import type { Plane } from '../../wasm/arena.js';
import type { Kernels } from '../../wasm/kernels.js';
import type { FocusSelection } from '../focus-selection.js';
import type { FusionMode, StackSettings } from '../options.js';

/** What a fusion method gets for one tile: its size, the settings, and the shared depth-map selection. */
export interface TileContext {
  k: Kernels;
  width: number;
  height: number;
  channels: number;
  settings: StackSettings;
  /** Pyramid depth for this crop (the settings' levels, fewer for small crops). */
  levels: number;
  /** The running argmax of sharpness over frames, updated by the pipeline in pass 1 before `addFrame`. */
  selection: FocusSelection;
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
  /** Tile margin this method's filters need, beyond the focus measure's. */
  reach(levels: number): number;
  /** Tiles start at multiples of this (crop coordinates), so a tile computes exactly what the whole image would. */
  tileGrid(levels: number): number;
  /** Pass 1 hands `addFrame` each frame's aligned colour planes; otherwise pass 1 reads luminance only. */
  readonly readsColour: boolean;
  /** The composite needs pass 2's depth-map blend. */
  readonly needsBlend: boolean;
  /** Accumulators for one tile, allocated in the arena scope of the caller. */
  createTile(context: TileContext): TileFusion;
}

export interface TileFusion {
  /** Pass 1, frames in stack order: the frame's aligned colour planes (only when the method reads colour). */
  addFrame(index: number, planes: Plane[]): void;
  /** After the passes: one plane per channel. `blend` is pass 2's depth-map blend when the method asked for it. */
  composite(blend: Plane[] | undefined): Plane[];
}
