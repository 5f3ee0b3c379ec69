import type { FusionMode } from '../engine/options.js';

/**
 * The names Planewise gives the layers it writes, the same in Photoshop and in PSD files, so a retoucher (and
 * the retouch helpers that look layers up) meet the same words everywhere.
 */
export const MODE_NAMES: Record<FusionMode, string> = { hybrid: 'hybrid', pyramid: 'pyramid', depthmap: 'depth map' };

export const LAYER_NAMES = {
  composite: (mode: FusionMode) => `Planewise composite (${MODE_NAMES[mode]})`,
  /** A slab's frames by the names of its first and last. */
  slab: (first: string, last: string) => (first === last ? `Slab ${first}` : `Slab ${first}–${last}`),
  depth: 'Planewise depth map (near = black)',
};
