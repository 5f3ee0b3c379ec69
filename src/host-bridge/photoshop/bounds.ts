import type { Rect } from '../../engine/types.js';

/** Photoshop's rectangles (layer bounds, getPixels' sourceBounds): edges, right and bottom exclusive. */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function toBounds(r: Rect): Bounds {
  return { left: r.left, top: r.top, right: r.left + r.width, bottom: r.top + r.height };
}

export function toRect(b: Bounds): Rect {
  return { left: b.left, top: b.top, width: b.right - b.left, height: b.bottom - b.top };
}
