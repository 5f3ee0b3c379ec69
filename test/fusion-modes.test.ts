import { describe, expect, it } from 'vitest';
import { stackFrames } from '../src/engine/pipeline.js';
import type { StackInfo } from '../src/engine/types.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemoryFrameSource, MemorySink } from './helpers/memory-host.js';
import { syntheticSource } from './helpers/stack-fixtures.js';
import { createSyntheticStack, type SyntheticOptions } from './synthetic/generator.js';
import { cropChunky, fittedPsnr8, psnr8 } from './synthetic/metrics.js';

const kernels = () => loadNodeKernels();

/** 8-bit PSNR of `result` against `truth`, raw and after the best global affine map truth ≈ gain·result + offset. */
function rawAndFitted(result: Float32Array, truth: Float32Array): { raw: number; fitted: number } {
  return { raw: psnr8(result, truth), fitted: fittedPsnr8(result, truth).psnr };
}

/**
 * A stack as a camera writes it: defocus happens in linear light, the frames and the truth are gamma-encoded
 * (1/2.2). A defocused frame's local mean is then brighter than the sharp frame's, so any fusion that takes
 * low frequencies from every frame (an average of their low-pass) shifts the tone of textured areas.
 */
function gammaStack(options: SyntheticOptions) {
  const stack = createSyntheticStack(options);
  const encode = (v: number) => Math.min(1, Math.max(0, v)) ** (1 / 2.2);
  const frames = Array.from({ length: stack.frames }, (_, i) => Uint8Array.from(stack.renderFrame(i), (v) => Math.round(encode(v) * 255)));
  const info: StackInfo = {
    width: stack.width, height: stack.height, channels: stack.channels, bitDepth: 8,
    frames: frames.map((_, i) => ({ name: `frame_${i}` })),
  };
  return { stack, truth: stack.allInFocus.map(encode), source: new MemoryFrameSource(info, frames) };
}

describe('fusion modes on synthetic stacks with ground truth', () => {
  it('pyramid: low frequencies keep the sources\' tone: tone-fitted PSNR within 0.2 dB of raw, as close as the depth map\'s', async () => {
    // 20 frames, 10 % breathing: averaging every frame's low-pass (the old residual) cost 0.23 dB of tone here.
    const { stack, truth, source } = gammaStack({ width: 240, height: 180, frames: 20, seed: 14, maxBlur: 1.5, breathing: 0.1, maxShift: 3, noise: 0.004 });
    const k = await kernels();
    const gap = async (mode: 'pyramid' | 'depthmap') => {
      const sink = new MemorySink();
      const result = await stackFrames(source, sink, k, { mode, layers: 'none' });
      const { raw, fitted } = rawAndFitted(sink.composite!, cropChunky(truth, stack.width, stack.channels, result.crop));
      console.log(`${mode} on a gamma-encoded stack: PSNR ${raw.toFixed(2)} dB, after a tone fit ${fitted.toFixed(2)} dB`);
      return fitted - raw;
    };
    const pyramid = await gap('pyramid');
    expect(pyramid).toBeLessThanOrEqual(0.2);
    expect(pyramid).toBeLessThanOrEqual((await gap('depthmap')) + 0.05);
  });

  it('hybrid: the masked layers reproduce the composite wherever no pyramid detail was added, and the result says how much was', async () => {
    const { source } = syntheticSource({ width: 240, height: 180, frames: 8, seed: 7, maxBlur: 2.5, breathing: 0.03, maxShift: 4, maxRotationDeg: 0.5, noise: 0.004 });
    const sink = new MemorySink();
    const result = await stackFrames(source, sink, await kernels(), { mode: 'hybrid', layers: 'frames' });
    const blended = sink.blendLayers();
    const channels = sink.plan!.channels;
    const pixels = blended.length / channels;
    let differing = 0;
    for (let p = 0; p < pixels; p++) {
      let worst = 0;
      for (let c = 0; c < channels; c++) worst = Math.max(worst, Math.abs(blended[p * channels + c]! - sink.composite![p * channels + c]!));
      if (worst > 1 / 255 + 1e-6) differing++;
    }
    console.log(`hybrid: pyramid detail on ${(100 * result.pyramidShare).toFixed(1)} % of the pixels; masks off by more than 1/255 on ${(100 * differing / pixels).toFixed(1)} %`);
    // Some pixels took detail, most are the depth map's, and masks miss the composite only where detail went in.
    expect(result.pyramidShare).toBeGreaterThan(0);
    expect(result.pyramidShare).toBeLessThan(0.5);
    expect(differing / pixels).toBeLessThanOrEqual(result.pyramidShare);
  });

  it('depth map and pyramid report their share of pyramid detail: none, and some', async () => {
    const { source } = syntheticSource({ width: 160, height: 120, frames: 5, seed: 3, maxBlur: 2 });
    const k = await kernels();
    expect((await stackFrames(source, new MemorySink(), k, { mode: 'depthmap', layers: 'none' })).pyramidShare).toBe(0);
    expect((await stackFrames(source, new MemorySink(), k, { mode: 'pyramid', layers: 'none' })).pyramidShare).toBeGreaterThan(0.2);
  });
});
