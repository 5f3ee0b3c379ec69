import { describe, expect, it } from 'vitest';
import { findStack } from '../src/host-bridge/photoshop/frames.js';
import { inModalScope } from '../src/host-bridge/photoshop/history-step.js';
import { LayerFrameSource } from '../src/host-bridge/photoshop/layer-source.js';
import { createFakePhotoshop } from './fake-photoshop/index.js';

const W = 40, H = 30;

/** Pixels that differ everywhere, so a misplaced copy shows. */
function pattern(seed: number): Uint8Array {
  return Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 7 + seed * 31 + (i >> 5)) & 255);
}

describe('LayerFrameSource.read', () => {
  it('copies each rectangle exactly, repeats the edge of the opaque area, and fills the buffer the engine lends', async () => {
    const background = pattern(1), top = pattern(2);
    // The top frame as Auto-Align leaves it: transparent down its left edge (no data for x < 5).
    const alpha = Uint8Array.from({ length: W * H }, (_, i) => (i % W < 5 ? 0 : 255));
    const ps = createFakePhotoshop();
    ps.openDocument({ width: W, height: H, layers: [{ name: 'top', pixels: top, alpha }, { name: 'Background', pixels: background, isBackground: true }] });
    const stack = findStack(ps.module);

    await inModalScope(ps.module, { name: 'read' }, async () => {
      const source = await LayerFrameSource.open(ps.module, stack, stack.frames);
      expect(source.info.frames[1]!.valid).toEqual({ left: 5, top: 0, width: W - 5, height: H });
      // Background reads come back as RGB, normal layers as RGBA: both paths, and a rectangle reaching
      // left of the top frame's opaque area.
      const rect = { left: 2, top: 3, width: 17, height: 11 };
      for (const [frame, pixels, validLeft] of [[0, background, 0], [1, top, 5]] as const) {
        const lent = new ArrayBuffer(rect.width * rect.height * 3 + 64);
        const block = await source.read(frame, { rect, buffer: lent });
        expect(block.data.buffer).toBe(lent);
        const expected = new Uint8Array(rect.width * rect.height * 3);
        for (let y = 0; y < rect.height; y++) {
          for (let x = 0; x < rect.width; x++) {
            const sx = Math.max(validLeft, rect.left + x);
            for (let c = 0; c < 3; c++) expected[(y * rect.width + x) * 3 + c] = pixels[((rect.top + y) * W + sx) * 3 + c]!;
          }
        }
        expect(Array.from(block.data)).toEqual(Array.from(expected));
        // A buffer too small is not used.
        const fresh = await source.read(frame, { rect, buffer: new ArrayBuffer(16) });
        expect(fresh.data.byteLength).toBe(expected.length);
        expect(Array.from(fresh.data)).toEqual(Array.from(expected));
      }
    });
    expect(ps.liveImageData()).toBe(0);
  });
});
