/** The shapes at the engine's boundary: what a host must provide (frames, a sink) and what a run produces. */

import type { FusionMode, StackSettings } from './options.js';
import type { StageSeconds } from './profile.js';

export type { FusionMode } from './options.js';

/** Half-open pixel rectangle: columns left..left+width-1, rows top..top+height-1. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * 2x3 affine matrix [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f, pixel centres at integers.
 * Frame transforms map reference-frame coordinates (before the crop) to that frame's coordinates.
 */
export type Affine = [number, number, number, number, number, number];

export type ChannelCount = 1 | 3;
export type BitDepth = 8 | 16;

/** Interleaved pixels as a host delivers them. */
export interface PixelBlock {
  width: number;
  height: number;
  channels: ChannelCount;
  data: Uint8Array | Uint16Array;
  /** Value of full white: 255, 65535, or 32768 (Photoshop's 16-bit range). */
  maxValue: number;
}

export interface FrameInfo {
  /** For messages: a file name or a layer name. */
  name: string;
  /**
   * The part of the frame that holds data, when not all of it does (a layer smaller than the canvas, or
   * transparent where Auto-Align moved it). The output crop stays inside it, so what lies outside is
   * never fused as content; reads outside it may return anything. Default: the whole frame.
   */
  valid?: Rect;
}

export interface StackInfo {
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  frames: FrameInfo[];
}

export interface ReadRequest {
  /** Region in full-resolution frame pixels; default the whole frame. Always inside the frame. */
  rect?: Rect;
  /**
   * Downscaled read of the whole frame (rect must be absent): the host returns about this size, keeping the
   * aspect ratio; the engine reads the actual size off the returned block.
   */
  targetWidth?: number;
  /**
   * Memory the host may fill instead of allocating (with `rect`; at least the rectangle's bytes). The engine
   * passes the same few buffers over and over, so streaming frames makes no garbage; a host that has its own
   * buffers (Photoshop's getPixels) ignores it.
   */
  buffer?: ArrayBuffer;
}

/**
 * Where frames come from: image files, or Photoshop layers through imaging.getPixels. One frame, or one
 * rectangle of one frame, per call, so the engine never needs the whole stack in memory.
 */
export interface FrameSource {
  readonly info: StackInfo;
  read(frame: number, request?: ReadRequest): Promise<PixelBlock>;
}

/** A sub-stack: frames first..last (inclusive, stack order) fused on their own into a slab layer. */
export interface SlabRange {
  first: number;
  last: number;
}

/** The plan a sink is told before any pixels arrive. */
export interface OutputPlan {
  /** Output canvas = the crop, in reference-frame coordinates. */
  crop: Rect;
  channels: ChannelCount;
  bitDepth: BitDepth;
  /** Frame indices in output layer order, bottom to top (the composite comes above them). */
  layerOrder: number[];
  /** Sub-stack composites to write (empty when slabs are off), each as its own layer above the frames. */
  slabs: SlabRange[];
  /**
   * Slab layers carry masks that, stacked with normal blending, reproduce the depth-map composite (the
   * 'slabs' layer output, in place of frame layers); otherwise they are hidden extras without masks.
   */
  slabMasks: boolean;
  mode: FusionMode;
}

/** Tiles of output, in crop coordinates. Data is interleaved at the output bit depth (255 or 65535 full scale). */
export interface ResultSink {
  begin(plan: OutputPlan): Promise<void>;
  /** Aligned frame pixels and its layer mask (single channel) for one tile. Tiles of a frame may come in any order. */
  writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void>;
  writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void>;
  /** One tile of slab `slab`'s composite (index into OutputPlan.slabs), with its mask when the plan has slabMasks. */
  writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void>;
  /** Depth map tile, 8-bit, 0 = first (near) frame, 255 = last (far) frame. */
  writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void>;
  /** All tiles written. */
  finish(result: StackResult): Promise<void>;
  /** Called when the run fails or is cancelled after begin(): leave nothing behind. */
  abort(): Promise<void>;
}


export interface FrameReport {
  name: string;
  transform: Affine;
  /** Per-channel gain applied to bring the frame to the reference's brightness and white balance. */
  gain: number[];
  /** RMS photometric residual against its neighbour after alignment, in 0..1 units (analysis resolution). */
  residual: number;
  /** Why the frame looks suspect, or undefined. */
  warning?: string;
}

export interface StackResult {
  reference: number;
  crop: Rect;
  frames: FrameReport[];
  mode: FusionMode;
  /**
   * Share of the composite's pixels that took pyramid detail, 0..1: where it differs by half an output step or
   * more from the depth-map blend the layer masks reproduce. Always 0 for the depth map.
   */
  pyramidShare: number;
  /** Every setting the run used, defaults filled in. */
  settings: StackSettings;
  kernels: string;
  tiles: number;
  /** Peak bytes of the engine's working memory (the arena). */
  arenaPeakBytes: number;
  seconds: { align: number; fuse: number; total: number };
  /** Seconds per stage, summed over tiles (and workers). */
  profile: StageSeconds;
}
