import { FocusSelection } from '../focus-selection.js';
import { pyramidReach } from './laplacian.js';
import type { FusionMethod } from './method.js';
import { addSelectedDetail, DetailSelection, salience } from './pyramid.js';

/**
 * Pyramid detail is kept where it exceeds this many times the noise floor (the least salience any frame has
 * there), and shrunk smoothly towards the depth map below that: soft thresholding (Donoho 1995), with the
 * threshold read off the stack itself. Selecting the largest of several frames' noise gives about 1.5–2 times
 * one frame's, and on densely textured stacks the largest of several frames' texture-plus-noise is inflated
 * the same way: at 3 the detail cost 0.05 dB on the 10 %-breathing scene and 0.1 dB beside hairs. At 5 those
 * are gains, sharp marks still take their detail, and the flat, noisy scene keeps 0.55 of its 0.7 dB over the
 * depth map (test/synthetic scenes, `npm run bench -- --quality`).
 */
const NOISE_MULTIPLE = 5;

/**
 * Hybrid fusion: the depth map where a frame is clearly sharpest or where all are alike, pyramid detail where
 * the frames hold detail the depth map's choice lacks.
 *
 * The base is the depth-map blend with balanced weights (focus-selection.ts): one vote per pixel for its
 * sharpest frame, and an average of the equally sharp frames where no frame stands out (flat and noisy areas:
 * real pixels, less noise than any one frame). On it, the finest levels take the pyramid's max-selected detail
 * (pyramid.ts), but only the part that stands out of the noise: each coefficient's difference from the blend is
 * soft-thresholded at NOISE_MULTIPLE times the noise floor. Where nothing passes, the composite is exactly the
 * blend, which the layer masks reproduce; the pixels the detail changed are counted (StackResult.pyramidShare).
 */
export const hybridFusion: FusionMethod = {
  mode: 'hybrid',
  readsColour: true,
  weighting: 'balanced',
  // As the pyramid, plus the noise floor; the composite adds a salience with scratch.
  accumulatorPlanes: (channels) => DetailSelection.planes(channels, true),
  framePlanes: (channels) => (4 / 3) * channels + 2,
  reach: (levels, blendReach) => blendReach + FocusSelection.reach('balanced') + pyramidReach(levels),
  tileGrid: (levels) => 2 ** levels,
  createTile: ({ k, width, height, channels, levels, core, bitDepth }) => {
    const detail = new DetailSelection(k, width, height, channels, levels, true);
    let changed = 0;
    return {
      addFrame: (_index, planes) => detail.add(planes),
      composite: (blend) => {
        const arena = k.arena;
        changed = addSelectedDetail(k, blend, detail.detail, levels, core, bitDepth, (level, differences) => {
          const { width: w, height: h } = differences[0]!;
          arena.scoped(() => {
            const score = arena.plane(w, h);
            salience(k, differences, score, arena.plane(w, h));
            const d = (c: number) => (c < channels ? differences[c]!.ptr : 0);
            k.shrinkDetail(score.ptr, detail.noiseFloor[level]!.ptr, w * h, NOISE_MULTIPLE, channels, d(0), d(1), d(2));
          });
        });
        return blend;
      },
      pyramidPixels: () => changed,
    };
  },
};
