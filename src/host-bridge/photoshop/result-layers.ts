/**
 * The names Planewise gives what it adds to a document, in one place: the sink writes them and the retouch
 * helpers and the frame listing find them by them.
 */
import type { FusionMode } from '../../engine/types.js';

/** Every result group's name starts so; such groups are never offered as frames. */
export const RESULT_GROUP_PREFIX = 'Planewise focus stack';
export const COMPOSITE_NAME = 'Planewise composite';
export const DEPTH_NAME = 'Planewise depth map (near = black)';
const ALIGNED_SUFFIX = ' (aligned)';

export function resultGroupName(mode: FusionMode): string {
  return `${RESULT_GROUP_PREFIX} (${mode === 'pyramid' ? 'pyramid' : 'depth map'})`;
}

export function alignedName(frameName: string): string {
  return `${frameName}${ALIGNED_SUFFIX}`;
}

export function isAlignedName(name: string): boolean {
  return name.endsWith(ALIGNED_SUFFIX);
}

export function slabName(first: string, last: string): string {
  return `Slab ${first}–${last}`;
}

export function isResultGroupName(name: string): boolean {
  return name.startsWith(RESULT_GROUP_PREFIX);
}
