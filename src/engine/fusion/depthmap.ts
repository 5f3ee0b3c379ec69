import type { FusionMethod } from './method.js';

/**
 * Depth-map fusion: each pixel from the frames that are sharpest there, blended softly between neighbouring
 * frames (focus-selection.ts). The composite is exactly what the masked layers reproduce: real source pixels,
 * no noise gain, no halo beyond the blend width.
 */
export const depthMapFusion: FusionMethod = {
  mode: 'depthmap',
  readsColour: false,
  weighting: 'sharpest',
  accumulatorPlanes: () => 0,
  framePlanes: () => 0,
  reach: () => 0,
  tileGrid: () => 1,
  createTile: () => ({
    addFrame: () => undefined,
    composite: (blend) => blend,
    pyramidPixels: () => 0,
  }),
};
