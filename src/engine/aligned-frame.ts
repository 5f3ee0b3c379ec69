import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { compose, sourceFootprint, translation } from './geometry.js';
import { LUMA } from './focus-measure.js';
import { blockToPlanes } from './pixels.js';
import { now, type StageClock } from './profile.js';
import type { Affine, FrameSource, PixelBlock, Rect } from './types.js';

/** Bicubic reads two pixels beyond the sample point on each side. */
const WARP_PAD = 3;

interface PendingRead {
  frame: number;
  footprint: Rect;
  block: Promise<PixelBlock>;
}

/**
 * Frames' pixels for one tile, resampled into reference geometry and corrected for brightness and white
 * balance. Each read asks the host only for the source rectangle the tile's warp touches (memory follows the
 * tile, not the frame), and asks for the next frame's rectangle at once, so the host's I/O (a spool read, a
 * Photoshop getPixels) runs while this frame is being computed. `region` is in reference-frame coordinates.
 */
export class AlignedReader {
  private pending?: PendingRead;

  constructor(
    private readonly source: FrameSource, private readonly k: Kernels, private readonly transforms: Affine[],
    private readonly gains: number[][], private readonly region: Rect, private readonly clock?: StageClock,
  ) {}

  /** One float plane per channel, allocated in the arena. */
  async colour(frame: number): Promise<Plane[]> {
    const { k, region } = this;
    const gain = this.gains[frame]!;
    const out = await this.warped(frame, this.source.info.channels, (src) => src);
    // The gain is applied to the (smaller) warped region; all channels were warped in one pass sharing weights.
    out.forEach((plane, c) => {
      if (gain[c] !== 1) k.scaleOffset(plane.ptr, plane.ptr, region.width * region.height, gain[c]!, 0);
    });
    return out;
  }

  /**
   * Only the corrected luminance (what the focus measure needs): luminance is linear, so it is formed in the
   * source geometry and warped once instead of warping every channel.
   */
  async luminance(frame: number): Promise<Plane> {
    const { k } = this;
    const gain = this.gains[frame]!;
    const planes = await this.warped(frame, 1, (src) => {
      const lum = k.arena.plane(src[0]!.width, src[0]!.height);
      const n = lum.width * lum.height;
      if (src.length === 3) k.luminance(src[0]!.ptr, src[1]!.ptr, src[2]!.ptr, lum.ptr, n, LUMA[0] * gain[0]!, LUMA[1] * gain[1]!, LUMA[2] * gain[2]!);
      else k.scaleOffset(src[0]!.ptr, lum.ptr, n, gain[0]!, 0);
      return [lum];
    });
    return planes[0]!;
  }

  private request(frame: number): PendingRead {
    const { width, height } = this.source.info;
    const { region } = this;
    const toFrame = compose(this.transforms[frame]!, translation(region.left, region.top));
    const footprint =
      sourceFootprint(toFrame, { left: 0, top: 0, width: region.width, height: region.height }, width, height, WARP_PAD) ??
      // Entirely outside the frame (only possible for uncropped debugging runs): clamp to the nearest pixel.
      { left: 0, top: 0, width: 1, height: 1 };
    const block = this.source.read(frame, { rect: footprint });
    block.catch(() => undefined); // a read-ahead nobody collects (cancel, failure) must not go unhandled
    return { frame, footprint, block };
  }

  /**
   * Reads `frame`'s footprint (already requested when it is the next frame), derives `outputs` consecutive planes
   * from it in source geometry with `prepare`, and warps them together into reference geometry.
   */
  private async warped(frame: number, outputs: number, prepare: (src: Plane[]) => Plane[]): Promise<Plane[]> {
    const { k, region, clock } = this;
    const arena = k.arena;
    const current = this.pending?.frame === frame ? this.pending : this.request(frame);
    this.pending = frame + 1 < this.transforms.length ? this.request(frame + 1) : undefined;
    const out = Array.from({ length: outputs }, () => arena.plane(region.width, region.height));
    const { footprint } = current;
    const t0 = now();
    const block = await current.block;
    clock?.add('read', now() - t0);
    const t1 = now();
    if (block.width !== footprint.width || block.height !== footprint.height || block.channels !== this.source.info.channels) {
      throw new Error(`${this.source.info.frames[frame]!.name}: host returned ${block.width}x${block.height}x${block.channels} for a ${footprint.width}x${footprint.height} read`);
    }
    arena.scoped(() => {
      const prepared = prepare(blockToPlanes(k, block));
      k.warpAffineBicubic(prepared[0]!.ptr, footprint.width, footprint.height, planeStride(prepared), out[0]!.ptr, region.width, region.height,
        planeStride(out), outputs, ...this.transforms[frame]!, region.left, region.top, footprint.left, footprint.top);
    });
    clock?.add('warp', now() - t1);
    return out;
  }
}

/** Floats from one plane to the next of planes allocated one after another (the arena keeps them in order). */
function planeStride(planes: Plane[]): number {
  return planes.length > 1 ? (planes[1]!.ptr - planes[0]!.ptr) / 4 : 0;
}
