import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFakePhotoshop, type FakeLayerInit, type FakePhotoshop, type FakeQuirks } from '../fake-photoshop/index.js';
import { createSyntheticStack, type SyntheticOptions } from '../synthetic/generator.js';
import { sample } from './cli.js';

export interface LayeredStack {
  ps: FakePhotoshop;
  /** Frame pixels as loaded (chunky, document depth), bottom layer first. */
  frames: (Uint8Array | Uint16Array)[];
  width: number;
  height: number;
}

/** Frames as layers, first frame at the BOTTOM (doc.layers lists the top first). */
export function layersFromFrames(frames: (Uint8Array | Uint16Array)[], names: string[], extra: Partial<FakeLayerInit> = {}): FakeLayerInit[] {
  return frames.map((pixels, i) => ({ name: names[i]!, pixels, ...extra })).reverse();
}

export interface SyntheticDocumentOptions extends SyntheticOptions {
  mode?: 'RGBColorMode' | 'grayscaleMode';
  /** How this Photoshop differs from the documented behaviour. */
  quirks?: FakeQuirks;
  /** Layers above the frames (top first). */
  above?: FakeLayerInit[];
  /** Per-frame opacity (0..255, canvas-sized), bottom frame first; undefined = opaque. */
  alpha?: (Uint8Array | undefined)[];
}

export function syntheticDocument(options: SyntheticDocumentOptions): LayeredStack {
  const stack = createSyntheticStack(options);
  const bits = options.bitDepth ?? 8;
  const frames = Array.from({ length: stack.frames }, (_, k) => {
    const q = stack.quantizeFrame(k);
    // Photoshop's 16-bit range is 0..32768.
    return q instanceof Uint16Array ? q.map((v) => Math.round((v * 32768) / 65535)) : q;
  });
  const ps = createFakePhotoshop(options.quirks ? { quirks: options.quirks } : {});
  const layers = layersFromFrames(frames, frames.map((_, i) => `frame ${i + 1}`));
  options.alpha?.forEach((alpha, i) => { if (alpha) layers[frames.length - 1 - i]!.alpha = alpha; });
  ps.openDocument({
    width: stack.width,
    height: stack.height,
    bits,
    mode: options.mode ?? (stack.channels === 1 ? 'grayscaleMode' : 'RGBColorMode'),
    name: 'synthetic',
    layers: [...(options.above ?? []), ...layers],
  });
  return { ps, frames, width: stack.width, height: stack.height };
}

/** The bundled real stack (focusstack-pcb7), downscaled for test speed, loaded as layers. */
export async function realDocument(width = 512): Promise<LayeredStack> {
  const files = readdirSync(sample).filter((f) => f.endsWith('.jpg')).sort();
  const frames: Uint8Array[] = [];
  let height = 0;
  for (const f of files) {
    const { data, info } = await sharp(join(sample, f)).resize(width).raw().toBuffer({ resolveWithObject: true });
    height = info.height;
    frames.push(new Uint8Array(data));
  }
  const ps = createFakePhotoshop();
  ps.openDocument({ width, height, name: 'pcb7', layers: layersFromFrames(frames, files.map((f) => f.replace('.jpg', ''))) });
  return { ps, frames, width, height };
}
