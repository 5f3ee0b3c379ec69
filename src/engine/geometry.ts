import type { Affine, Rect } from './types.js';

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** (p ∘ q)(x) = p(q(x)). */
export function compose(p: Affine, q: Affine): Affine {
  const [a, b, c, d, e, f] = p;
  const [A, B, C, D, E, F] = q;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('affine transform is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function apply(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function translation(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

/**
 * Similarity about a centre, the parameterisation the Gauss-Newton aligner uses:
 * x' = (1+a)(x-cx) - b(y-cy) + cx + tx, y' = b(x-cx) + (1+a)(y-cy) + cy + ty.
 */
export function similarity(cx: number, cy: number, a: number, b: number, tx: number, ty: number): Affine {
  const s = 1 + a;
  return [s, -b, -s * cx + b * cy + cx + tx, b, s, -b * cx - s * cy + cy + ty];
}

/**
 * Coordinates of a resampled image: a full-resolution pixel centre x maps to (x + 0.5) * s - 0.5 in an image
 * scaled by s (the convention of area/pyramid resampling). Returns the full → scaled map.
 */
export function resampleMap(sx: number, sy: number): Affine {
  return [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5];
}

/** Bounding box (integer, inclusive of bicubic support) of the source pixels a warp of `rect` reads. */
export function sourceFootprint(m: Affine, rect: Rect, width: number, height: number, pad: number): Rect | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [
    [rect.left, rect.top],
    [rect.left + rect.width - 1, rect.top],
    [rect.left, rect.top + rect.height - 1],
    [rect.left + rect.width - 1, rect.top + rect.height - 1],
  ] as const) {
    const [u, v] = apply(m, x, y);
    xs.push(u);
    ys.push(v);
  }
  const left = Math.max(0, Math.floor(Math.min(...xs)) - pad);
  const top = Math.max(0, Math.floor(Math.min(...ys)) - pad);
  const right = Math.min(width, Math.ceil(Math.max(...xs)) + pad + 1);
  const bottom = Math.min(height, Math.ceil(Math.max(...ys)) + pad + 1);
  if (right <= left || bottom <= top) return undefined;
  return { left, top, width: right - left, height: bottom - top };
}
