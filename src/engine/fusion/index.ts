import type { FusionMode } from '../options.js';
import { depthMapFusion } from './depthmap.js';
import type { FusionMethod } from './method.js';
import { hybridFusion } from './hybrid.js';
import { pyramidFusion } from './pyramid.js';

export type { FusionMethod, TileContext, TileFusion } from './method.js';

/** The one place a fusion mode is picked. */
export const FUSION_METHODS: Record<FusionMode, FusionMethod> = {
  pyramid: pyramidFusion,
  depthmap: depthMapFusion,
  hybrid: hybridFusion,
};
