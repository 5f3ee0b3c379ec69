/**
 * The names Planewise gives what it adds to a document, in one place: the sink writes them, and the retouch
 * helpers and the frame listing find layers by them. The composite, slab and depth-map names are the ones
 * the PSD writer uses too (LAYER_NAMES); the group and the aligned copies exist only in Photoshop, where
 * the source frames sit in the same document.
 */
import { FUSION_MODES } from '../../engine/options.js';
import { LAYER_NAMES } from '../layer-names.js';

/** Every result goes into a group of this name, which is never offered as frames. */
export const RESULT_GROUP_NAME = 'Planewise focus stack';

export function isResultGroupName(name: string): boolean {
  return name.startsWith(RESULT_GROUP_NAME);
}

export function isCompositeName(name: string): boolean {
  return FUSION_MODES.some((mode) => LAYER_NAMES.composite(mode) === name);
}

/** An aligned copy of a source frame (the source keeps its own name). */
export function alignedName(frameName: string): string {
  return `${frameName} (aligned)`;
}
