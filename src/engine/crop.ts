import { apply, invert } from './geometry.js';
import type { Affine, Rect } from './types.js';

type Point = [number, number];

/**
 * The largest axis-aligned rectangle of reference-frame pixels that every frame covers, so the output has
 * no borders where a frame had no data. Each frame's valid area (its `valid` rectangle, default the whole
 * frame), seen from the reference, is the convex quad T_k^-1(valid_k); their intersection is convex, so for
 * a band of rows y1..y2 the columns inside the polygon on every row are [max(xl(y1), xl(y2)),
 * min(xr(y1), xr(y2))] (xl is convex, xr concave).
 */
export function validCrop(transforms: Affine[], width: number, height: number, valid: (Rect | undefined)[] = []): Rect {
  let polygon: Point[] = [
    [0, 0],
    [width - 1, 0],
    [width - 1, height - 1],
    [0, height - 1],
  ];
  for (const [k, t] of transforms.entries()) {
    const inv = invert(t);
    polygon = clipConvex(polygon, frameQuad(inv, valid[k] ?? { left: 0, top: 0, width, height }));
    if (polygon.length < 3) break;
  }
  if (polygon.length < 3) throw new Error('the frames do not overlap after alignment');

  const ys = polygon.map((p) => p[1]);
  const yMin = Math.ceil(Math.min(...ys) - 1e-6);
  const yMax = Math.floor(Math.max(...ys) + 1e-6);
  const step = Math.max(1, Math.ceil((yMax - yMin + 1) / 1024));
  const rows: number[] = [];
  for (let y = yMin; y <= yMax; y += step) rows.push(y);
  if (rows[rows.length - 1] !== yMax) rows.push(yMax);
  const xl = new Float64Array(rows.length);
  const xr = new Float64Array(rows.length);
  rows.forEach((y, i) => {
    const [l, r] = extentAt(polygon, y);
    xl[i] = Math.ceil(l - 1e-6);
    xr[i] = Math.floor(r + 1e-6);
  });

  let best: Rect = { left: 0, top: 0, width: 0, height: 0 };
  let bestArea = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i; j < rows.length; j++) {
      const w = Math.min(xr[i]!, xr[j]!) - Math.max(xl[i]!, xl[j]!) + 1;
      const h = rows[j]! - rows[i]! + 1;
      if (w > 0 && w * h > bestArea) {
        bestArea = w * h;
        best = { left: Math.max(xl[i]!, xl[j]!), top: rows[i]!, width: w, height: h };
      }
    }
  }
  if (bestArea === 0) throw new Error('the frames do not overlap after alignment');
  return best;
}

/** A frame's valid pixel-centre rectangle mapped into reference coordinates, in the rectangle's winding order. */
function frameQuad(inv: Affine, r: Rect): Point[] {
  const right = r.left + r.width - 1, bottom = r.top + r.height - 1;
  return [
    apply(inv, r.left, r.top),
    apply(inv, right, r.top),
    apply(inv, right, bottom),
    apply(inv, r.left, bottom),
  ];
}

/** Sutherland-Hodgman: `subject` clipped by the convex polygon `clip` (both in the same winding order). */
function clipConvex(subject: Point[], clip: Point[]): Point[] {
  let out = subject;
  const orientation = Math.sign(signedArea(clip));
  for (let i = 0; i < clip.length && out.length; i++) {
    const a = clip[i]!;
    const b = clip[(i + 1) % clip.length]!;
    const inside = (p: Point) => orientation * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) >= -1e-9;
    const input = out;
    out = [];
    for (let k = 0; k < input.length; k++) {
      const p = input[k]!;
      const q = input[(k + 1) % input.length]!;
      const pin = inside(p);
      const qin = inside(q);
      if (pin) out.push(p);
      if (pin !== qin) out.push(lineIntersection(p, q, a, b));
    }
  }
  return out;
}

function signedArea(poly: Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    s += p[0] * q[1] - q[0] * p[1];
  }
  return s / 2;
}

function lineIntersection(p: Point, q: Point, a: Point, b: Point): Point {
  const d1x = q[0] - p[0];
  const d1y = q[1] - p[1];
  const d2x = b[0] - a[0];
  const d2y = b[1] - a[1];
  const den = d1x * d2y - d1y * d2x;
  const t = den === 0 ? 0 : ((a[0] - p[0]) * d2y - (a[1] - p[1]) * d2x) / den;
  return [p[0] + t * d1x, p[1] + t * d1y];
}

/** Leftmost and rightmost x of a convex polygon on the horizontal line y. */
function extentAt(poly: Point[], y: number): [number, number] {
  let l = Infinity;
  let r = -Infinity;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    const lo = Math.min(p[1], q[1]);
    const hi = Math.max(p[1], q[1]);
    if (y < lo - 1e-9 || y > hi + 1e-9) continue;
    if (Math.abs(q[1] - p[1]) < 1e-12) {
      l = Math.min(l, p[0], q[0]);
      r = Math.max(r, p[0], q[0]);
    } else {
      const x = p[0] + ((y - p[1]) / (q[1] - p[1])) * (q[0] - p[0]);
      l = Math.min(l, x);
      r = Math.max(r, x);
    }
  }
  return [l, r];
}
