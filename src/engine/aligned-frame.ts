import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { compose, sourceFootprint, translation } from './geometry.js';
import { blockToPlanes } from './pixels.js';
import type { Affine, FrameSource, Rect } from './types.js';

/** Bicubic reads two pixels beyond the sample point on each side. */
const WARP_PAD = 3;

/**
 * One frame's pixels for one tile, resampled into reference geometry and corrected for brightness and white
 * balance: reads only the source rectangle the tile's warp touches, so memory follows the tile, not the frame.
 * `region` is in reference-frame coordinates. Returns one float plane per channel (allocated in the arena).
 */
export async function readAlignedRegion(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, gain: number[], region: Rect,
): Promise<Plane[]> {
  const { width, height, channels } = source.info;
  const arena = k.arena;
  const out = Array.from({ length: channels }, () => arena.plane(region.width, region.height));
  const toFrame = compose(transform, translation(region.left, region.top));
  const footprint =
    sourceFootprint(toFrame, { left: 0, top: 0, width: region.width, height: region.height }, width, height, WARP_PAD) ??
    // Entirely outside the frame (only possible for uncropped debugging runs): clamp to the nearest pixel.
    { left: 0, top: 0, width: 1, height: 1 };
  const block = await source.read(frame, { rect: footprint });
  if (block.width !== footprint.width || block.height !== footprint.height || block.channels !== channels) {
    throw new Error(`${source.info.frames[frame]!.name}: host returned ${block.width}x${block.height}x${block.channels} for a ${footprint.width}x${footprint.height} read`);
  }
  arena.scoped(() => {
    const src = blockToPlanes(k, block);
    const m = compose(translation(-footprint.left, -footprint.top), toFrame);
    src.forEach((plane, c) => {
      k.warpAffineBicubic(plane.ptr, plane.width, plane.height, out[c]!.ptr, region.width, region.height, ...m);
      if (gain[c] !== 1) k.scaleOffset(out[c]!.ptr, out[c]!.ptr, region.width * region.height, gain[c]!, 0);
    });
  });
  return out;
}
