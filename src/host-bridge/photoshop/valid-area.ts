/**
 * Where a layer holds data. Photoshop trims reads to the pixels a layer has and may return empty bounds
 * for a transparent area; Auto-Align leaves transparent wedges along the edges, and layers may be smaller
 * than the canvas. Transparent pixels are "no data": the engine keeps its crop inside each frame's valid
 * area (FrameInfo.valid), and the source never reads outside it.
 */
import type { Rect } from '../../engine/types.js';
import { toRect } from './bounds.js';
import type { LayerFrame } from './frames.js';
import type { Photoshop } from './types.js';

/** Width of the read that looks for transparency (from Photoshop's cached pyramid, so it is cheap). */
const PROBE_WIDTH = 512;

/**
 * The largest rectangle of the layer whose pixels are all opaque, or undefined when none are. One small
 * read per layer, as RGB (grayscale reads carry no alpha) at 8 bits; when the read has no alpha channel
 * either, the layer's bounds are all there is to know. A downscaled probe is shrunk by one of its pixels on
 * each side that borders transparency, so resampling cannot smuggle an edge pixel in.
 */
export async function opaqueArea(ps: Photoshop, documentID: number, frame: LayerFrame): Promise<Rect | undefined> {
  const b = frame.bounds;
  const bounds = toRect(b);
  if (frame.isBackground) return bounds;
  const result = await ps.imaging.getPixels({
    documentID, layerID: frame.id, sourceBounds: b, targetSize: { width: Math.min(PROBE_WIDTH, bounds.width) }, colorSpace: 'RGB', componentSize: 8,
  });
  let alpha: Uint8Array;
  let w: number, h: number;
  try {
    w = result.imageData.width;
    h = result.imageData.height;
    if (w === 0 || h === 0) return undefined;
    if (!result.imageData.hasAlpha) return bounds;
    const data = (await result.imageData.getData({ chunky: true })) as Uint8Array;
    const C = result.imageData.components;
    alpha = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) alpha[i] = data[i * C + C - 1] === 255 ? 1 : 0;
  } finally {
    await result.imageData.dispose();
  }
  const r = largestRectangle(alpha, w, h);
  if (!r) return undefined;
  const margin = w < bounds.width || h < bounds.height ? 1 : 0;
  const x0 = r.left === 0 ? 0 : r.left + margin, x1 = r.left + r.width === w ? w : r.left + r.width - margin;
  const y0 = r.top === 0 ? 0 : r.top + margin, y1 = r.top + r.height === h ? h : r.top + r.height - margin;
  // The probe covers the layer's bounds; map its pixel edges onto them, rounding inwards.
  const sx = bounds.width / w, sy = bounds.height / h;
  const left = bounds.left + Math.ceil(x0 * sx), right = bounds.left + Math.floor(x1 * sx);
  const top = bounds.top + Math.ceil(y0 * sy), bottom = bounds.top + Math.floor(y1 * sy);
  return right > left && bottom > top ? { left, top, width: right - left, height: bottom - top } : undefined;
}

/** The largest all-ones axis-aligned rectangle of a w×h 0/1 grid (row by row, largest rectangle under a histogram). */
function largestRectangle(grid: Uint8Array, w: number, h: number): Rect | undefined {
  const heights = new Int32Array(w);
  let best: Rect | undefined;
  let bestArea = 0;
  const stack: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) heights[x] = grid[y * w + x] ? heights[x]! + 1 : 0;
    stack.length = 0;
    for (let x = 0; x <= w; x++) {
      const current = x < w ? heights[x]! : 0;
      while (stack.length && heights[stack[stack.length - 1]!]! >= current) {
        const height = heights[stack.pop()!]!;
        const left = stack.length ? stack[stack.length - 1]! + 1 : 0;
        const area = height * (x - left);
        if (area > bestArea) {
          bestArea = area;
          best = { left, top: y - height + 1, width: x - left, height };
        }
      }
      stack.push(x);
    }
  }
  return best;
}
