import type { StackSettings } from '../../engine/options.js';
import { bytesPerSample } from '../../engine/pixel-format.js';
import { slabsForSettings } from '../../engine/slabs.js';
import type { BitDepth, ChannelCount } from '../../engine/types.js';
import type { LayerOutputs } from './layer-sink.js';

export interface Canvas {
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
}

/**
 * Above this the layered result would not fit in a PSD file, whose format stops at 2 GB (larger documents
 * must be saved as PSB, Photoshop's Large Document Format). It is also around what a document can add
 * before Photoshop's memory and scratch disk become the bottleneck on a typical machine, so the panel
 * proposes "Composite only" past it.
 */
export const LARGE_GROWTH_BYTES = 2 * 1024 ** 3;

/**
 * About how many bytes a run adds to the document, uncompressed (as Photoshop holds it in memory and
 * roughly as a PSD stores it): every new pixel layer keeps its colour channels plus transparency over the
 * canvas, masked ones (aligned frames, or slabs for layers 'slabs') also a mask. An upper bound: the crop is
 * at most the canvas. The slabs are the engine's own plan for these settings.
 */
export function documentGrowth(canvas: Canvas, frames: number, settings: Pick<StackSettings, 'layers' | 'slabSize' | 'slabOverlap'>, outputs: Pick<LayerOutputs, 'depthLayer'>): number {
  const layerPlanes = canvas.channels + 1;
  const slabs = slabsForSettings(frames, settings).length;
  const planes = (settings.layers === 'frames' ? frames * (layerPlanes + 1) : 0)
    + slabs * (layerPlanes + (settings.layers === 'slabs' ? 1 : 0))
    + layerPlanes
    + (outputs.depthLayer ? layerPlanes : 0);
  return canvas.width * canvas.height * bytesPerSample(canvas.bitDepth) * planes;
}
