import { apply } from '../../src/engine/geometry.js';
import type { Affine, StackInfo } from '../../src/engine/types.js';
import { createSyntheticStack, type SyntheticOptions, type SyntheticStack } from '../synthetic/generator.js';
import { MemoryFrameSource } from './memory-host.js';

export function syntheticSource(options: SyntheticOptions): { stack: SyntheticStack; source: MemoryFrameSource } {
  const stack = createSyntheticStack(options);
  const info: StackInfo = {
    width: stack.width,
    height: stack.height,
    channels: stack.channels,
    bitDepth: stack.options.bitDepth,
    frames: Array.from({ length: stack.frames }, (_, i) => ({ name: `frame_${i}` })),
  };
  const frames = Array.from({ length: stack.frames }, (_, i) => stack.quantizeFrame(i));
  return { stack, source: new MemoryFrameSource(info, frames) };
}

/** RMS distance in pixels between where two transforms send a grid of reference points. */
export function transformError(estimated: Affine, truth: Affine, width: number, height: number): number {
  let sum = 0, count = 0;
  for (let gy = 0; gy <= 4; gy++) {
    for (let gx = 0; gx <= 4; gx++) {
      const x = (gx / 4) * (width - 1), y = (gy / 4) * (height - 1);
      const [a, b] = apply(estimated, x, y);
      const [c, d] = apply(truth, x, y);
      sum += (a - c) ** 2 + (b - d) ** 2;
      count++;
    }
  }
  return Math.sqrt(sum / count);
}
