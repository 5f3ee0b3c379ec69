/**
 * The named synthetic scenes the bench and the tests share, mirroring the independent benchmark of issue
 * #11: six stacks of 8–60 frames at 0.3–1.9 MP with layered defocus, focus breathing, shift, a few tenths of
 * a degree of rotation, ±2 % gain flicker and sensor noise; one with thin bright hairs in front of a
 * defocused background, one with large flat noisy areas, one with 10 % breathing.
 *
 * Defocus is set by the blur at the far end of the stack, as a fraction of the image's long side, so a
 * scene keeps its look at any frame count and size (more frames = finer focus steps, as with a real lens).
 * `scale` shrinks a scene for CI (e.g. 0.25 turns 1280×960 into 320×240): sizes, shifts and blur scale with
 * it; textures keep their pixel scale.
 */
import type { SyntheticOptions } from './generator.js';

export const SCENE_NAMES = ['small', 'medium', 'deep', 'hairs', 'flat-noisy', 'breathing'] as const;
export type SceneName = (typeof SCENE_NAMES)[number];

interface SceneSpec {
  width: number;
  height: number;
  frames: number;
  seed: number;
  /** Defocus sigma at the far end of the stack, as a fraction of the long side. */
  defocus: number;
  breathing: number;
  extra?: Partial<SyntheticOptions>;
}

const SCENES: Record<SceneName, SceneSpec> = {
  small: { width: 640, height: 480, frames: 8, seed: 101, defocus: 0.02, breathing: 0.04 },
  medium: { width: 1200, height: 900, frames: 20, seed: 102, defocus: 0.02, breathing: 0.05, extra: { marks: 40 } },
  deep: { width: 1024, height: 768, frames: 60, seed: 103, defocus: 0.02, breathing: 0.1, extra: { marks: 40 } },
  hairs: { width: 1600, height: 1200, frames: 15, seed: 104, defocus: 0.02, breathing: 0.04, extra: { hairs: 24, depthLayers: 3 } },
  'flat-noisy': { width: 960, height: 720, frames: 12, seed: 105, defocus: 0.02, breathing: 0.04, extra: { flatness: 0.9, noise: 0.012, depthLayers: 3, marks: 15 } },
  breathing: { width: 1280, height: 960, frames: 20, seed: 106, defocus: 0.02, breathing: 0.1 },
};

/** Generator options for a named scene at bench size (scale 1) or shrunk (scale < 1), optionally with more frames. */
export function sceneOptions(name: SceneName, scale = 1, frames?: number): SyntheticOptions {
  const s = SCENES[name];
  const width = 2 * Math.round((s.width * scale) / 2), height = 2 * Math.round((s.height * scale) / 2);
  const n = frames ?? s.frames;
  // The far surface sits 0.9 of the stack away from the frame focused on the nearest one.
  const maxBlur = (s.defocus * Math.max(width, height)) / (0.9 * Math.max(1, n - 1));
  const extra = { ...s.extra };
  if (extra.marks) extra.marks = Math.round(extra.marks * scale * scale * ((s.width * s.height) / 1e6));
  return {
    width, height, frames: n, seed: s.seed, maxBlur, breathing: s.breathing,
    maxShift: 0.004 * Math.max(width, height), maxRotationDeg: 0.3, flicker: 0.02, whiteBalance: 0.01, noise: 0.004,
    ...extra,
  };
}
