import sharp from 'sharp';
import { join } from 'node:path';
import { gaussianBlurPlane } from './blur.js';

/**
 * Synthetic focus stacks with known ground truth: the all-in-focus image, the depth of every pixel, and the
 * exact transform and gain of every frame. The optics are a thin-lens caricature that keeps what matters
 * to a focus stacker:
 * - the scene is a few surfaces at different depths, nearer ones occluding farther ones: textured planes
 *   (multi-scale value noise, optionally with sharp-edged printed marks, or mostly flat), and optionally thin
 *   bright hairs in front;
 * - frame k is focused at depth k; a surface at depth d is blurred by a Gaussian of
 *   sigma = sqrt(lensBlur² + (maxBlur·|k−d|)²), continuous in k (every step changes the blur a little);
 * - occlusion is composited far to near as acc = G*(c·α) + (1 − G*α)·acc, so a blurred foreground edge
 *   spreads over the background behind it (the source of halos in real stacks);
 * - each frame is then scaled (focus breathing, linear in k), shifted and rotated slightly (bicubic
 *   resampling), its brightness and white balance jittered, and noise added.
 * The all-in-focus truth is every surface at lens blur only, composited the same way, in the reference
 * frame's geometry (the reference is the middle frame, at identity).
 */

export type Affine = [number, number, number, number, number, number];

export interface SyntheticOptions {
  width: number;
  height: number;
  frames: number;
  seed?: number;
  /** Textured surfaces: a background, a diagonal strip, then blob layers, far to near. */
  depthLayers?: number;
  /** Defocus blur sigma in pixels per frame step away from a surface's depth. */
  maxBlur?: number;
  /** Blur sigma of a surface in focus (lens and sensor), in pixels. */
  lensBlur?: number;
  /** Scale change from the first frame to the last (0.1 = 10 %), linear in the frame index. */
  breathing?: number;
  maxShift?: number;
  maxRotationDeg?: number;
  /** Per-frame brightness jitter, ± this fraction. */
  flicker?: number;
  /** Per-frame, per-channel jitter on top of flicker. */
  whiteBalance?: number;
  /** Sensor noise standard deviation (signal range 0..1). */
  noise?: number;
  /** Thin bright fibres in front of the textured surfaces, spread over the near half of the depth range. */
  hairs?: number;
  /** 0: surfaces textured all over; 1: surfaces are flat colours with only sparse, faint detail. */
  flatness?: number;
  /** Sharp-edged printed marks (rectangles and tracks) per surface, like a circuit board's. */
  marks?: number;
  channels?: 1 | 3;
  bitDepth?: 8 | 16;
}

export interface SyntheticStack {
  options: Required<SyntheticOptions>;
  width: number;
  height: number;
  frames: number;
  channels: 1 | 3;
  reference: number;
  allInFocus: Float32Array;
  /** Depth (in frame-index units) of the front surface at each pixel. */
  depth: Float32Array;
  transforms: Affine[];
  gains: [number, number, number][];
  renderFrame(k: number): Float32Array;
  quantizeFrame(k: number): Uint8Array | Uint16Array;
}

interface Surface {
  depth: number;
  /** Colour premultiplied by alpha, planar, scene size. */
  premultiplied: Float32Array[];
  /** Coverage, scene size. */
  alpha: Float32Array;
  /** Where the surface is opaque: everywhere (a background) or a part of the scene. */
  opaque: boolean;
}

export const DEFAULTS: Omit<Required<SyntheticOptions>, 'width' | 'height' | 'frames'> = {
  seed: 1, depthLayers: 4, maxBlur: 1.5, lensBlur: 0.5, breathing: 0.02, maxShift: 3, maxRotationDeg: 0.3, flicker: 0.03,
  whiteBalance: 0.02, noise: 0.003, hairs: 0, flatness: 0, marks: 0, channels: 3, bitDepth: 8,
};

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createSyntheticStack(input: SyntheticOptions): SyntheticStack {
  const o: Required<SyntheticOptions> = { ...DEFAULTS, ...input };
  const { width: W, height: H, frames: N, channels: C } = o;
  const rand = mulberry32(o.seed);
  // The scene extends beyond the frame so transformed frames never sample outside it.
  const margin = Math.ceil(Math.max(W, H) * (Math.abs(o.breathing) + 0.02) + o.maxShift + 8);
  const SW = W + 2 * margin, SH = H + 2 * margin;
  const reference = Math.floor((N - 1) / 2);

  const surfaces = makeSurfaces(o, SW, SH, rand);

  const transforms: Affine[] = [];
  const gains: [number, number, number][] = [];
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  for (let k = 0; k < N; k++) {
    if (k === reference) {
      transforms.push([1, 0, 0, 0, 1, 0]);
      gains.push([1, 1, 1]);
      continue;
    }
    const s = 1 + (o.breathing * (k - reference)) / Math.max(1, N - 1);
    const th = ((rand() * 2 - 1) * o.maxRotationDeg * Math.PI) / 180;
    const tx = (rand() * 2 - 1) * o.maxShift, ty = (rand() * 2 - 1) * o.maxShift;
    const a = s * Math.cos(th), b = -s * Math.sin(th), d = s * Math.sin(th), e = s * Math.cos(th);
    transforms.push([a, b, cx - a * cx - b * cy + tx, d, e, cy - d * cx - e * cy + ty]);
    const f = 1 + (rand() * 2 - 1) * o.flicker;
    const wb = () => f * (1 + (rand() * 2 - 1) * o.whiteBalance);
    gains.push([wb(), wb(), wb()]);
  }

  // Ground truth in reference geometry: every surface at lens blur, and the depth of the front surface.
  const sharpScene = composite(surfaces, SW, SH, C, () => o.lensBlur);
  const allInFocus = new Float32Array(W * H * C);
  const depth = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const si = (y + margin) * SW + x + margin;
      for (let c = 0; c < C; c++) allInFocus[(y * W + x) * C + c] = sharpScene[c]![si]!;
      let dep = surfaces[0]!.depth;
      for (const s of surfaces) if (s.alpha[si]! > 0.5) dep = s.depth;
      depth[y * W + x] = dep;
    }
  }

  const renderFrame = (k: number): Float32Array => {
    const blurred = composite(surfaces, SW, SH, C, (d) => Math.hypot(o.lensBlur, o.maxBlur * (k - d)));
    const inv = invertAffine(transforms[k]!);
    const out = new Float32Array(W * H * C);
    const g = gains[k]!;
    for (let c = 0; c < C; c++) {
      const gain = C === 1 ? g[1] : g[c]!;
      warpBicubic(blurred[c]!, SW, SH, inv, margin, out, W, H, C, c, gain);
    }
    return out;
  };

  const quantizeFrame = (k: number): Uint8Array | Uint16Array => {
    const f = renderFrame(k);
    const noise = mulberry32(o.seed * 7919 + k);
    const max = o.bitDepth === 16 ? 65535 : 255;
    const out = o.bitDepth === 16 ? new Uint16Array(f.length) : new Uint8Array(f.length);
    for (let i = 0; i < f.length; i++) {
      const v = f[i]! + o.noise * gaussian(noise);
      out[i] = Math.round(Math.min(1, Math.max(0, v)) * max);
    }
    return out;
  };

  return { options: o, width: W, height: H, frames: N, channels: C, reference, allInFocus, depth, transforms, gains, renderFrame, quantizeFrame };
}

/** Far to near: a background at the far end, a wide strip, blob layers, then hairs in front. */
function makeSurfaces(o: Required<SyntheticOptions>, SW: number, SH: number, rand: () => number): Surface[] {
  const n = Math.max(2, o.depthLayers);
  const surfaces: Surface[] = [];
  for (let i = 0; i < n; i++) {
    const depth = (o.frames - 1) * (1 - i / (n - 1)) * 0.9 + (o.frames - 1) * 0.05;
    const tint = [0.6 + 0.4 * rand(), 0.6 + 0.4 * rand(), 0.6 + 0.4 * rand()];
    const colour = Array.from({ length: o.channels }, (_, c) => texture(SW, SH, rand, 0.25 + 0.15 * c, 1 - o.flatness));
    if (o.marks > 0) printMarks(colour, SW, SH, rand, o.marks);
    colour.forEach((p, c) => {
      for (let j = 0; j < p.length; j++) p[j] = Math.min(1, Math.max(0, p[j]!)) * tint[c]!;
    });
    const alpha = new Float32Array(SW * SH);
    if (i === 0) alpha.fill(1);
    else {
      // Blobs (discs and a diagonal band) covering part of the scene; nearer layers have fewer, smaller ones.
      const blobs = 2 + Math.floor(rand() * 3);
      for (let b = 0; b < blobs; b++) {
        const bx = rand() * SW, by = rand() * SH, r = (0.08 + 0.12 * rand()) * Math.min(SW, SH) / Math.sqrt(i);
        for (let y = Math.max(0, Math.floor(by - r)); y < Math.min(SH, Math.ceil(by + r)); y++) {
          for (let x = Math.max(0, Math.floor(bx - r)); x < Math.min(SW, Math.ceil(bx + r)); x++) {
            const dist = Math.hypot(x - bx, y - by);
            if (dist < r) alpha[y * SW + x] = Math.max(alpha[y * SW + x]!, Math.min(1, r - dist));
          }
        }
      }
      if (i === 1) {
        const slope = 0.3 + 0.4 * rand(), offset = rand() * SH * 0.5, half = SH * 0.07;
        for (let y = 0; y < SH; y++) for (let x = 0; x < SW; x++) {
          const dist = Math.abs(y - (offset + slope * x));
          if (dist < half) alpha[y * SW + x] = Math.max(alpha[y * SW + x]!, Math.min(1, half - dist));
        }
      }
    }
    surfaces.push(premultiply(depth, colour, alpha, i === 0));
  }
  // Hairs: a few layers between the nearest textured surface and the middle of the stack, a few fibres each.
  const hairLayers = Math.min(o.hairs, 4);
  for (let l = 0; l < hairLayers; l++) {
    const depth = (o.frames - 1) * (0.05 + (0.45 * (l + 0.5)) / hairLayers);
    const alpha = new Float32Array(SW * SH);
    const count = Math.floor(o.hairs / hairLayers) + (l < o.hairs % hairLayers ? 1 : 0);
    for (let h = 0; h < count; h++) drawHair(alpha, SW, SH, rand);
    const shade = 0.85 + 0.15 * rand();
    const colour = Array.from({ length: o.channels }, (_, c) => new Float32Array(SW * SH).fill(shade * (c === 2 ? 0.9 : 1)));
    surfaces.push(premultiply(depth, colour, alpha, false));
  }
  return surfaces;
}

function premultiply(depth: number, colour: Float32Array[], alpha: Float32Array, opaque: boolean): Surface {
  const premultiplied = colour.map((p) => {
    const out = new Float32Array(p.length);
    for (let j = 0; j < p.length; j++) out[j] = p[j]! * alpha[j]!;
    return out;
  });
  return { depth, premultiplied, alpha, opaque };
}

/**
 * Multi-scale value noise plus fine random dots: detail at every scale so defocus is measurable. `detail`
 * scales the noise (0: a flat colour with a faint large-scale shading).
 */
function texture(SW: number, SH: number, rand: () => number, base: number, detail: number): Float32Array {
  const out = new Float32Array(SW * SH).fill(base);
  for (const [cell, amp] of [[32, 0.25], [8, 0.2], [3, 0.15], [1.5, 0.12]] as const) {
    const gw = Math.ceil(SW / cell) + 2, gh = Math.ceil(SH / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => rand() - 0.5);
    const a = cell === 32 ? amp * Math.max(detail, 0.15) : amp * detail;
    if (a === 0) continue;
    addBilinear(out, SW, SH, grid, gw, 1 / cell, a);
  }
  return out;
}

/** out += amp * (grid sampled bilinearly at (x, y) * step): the inner loop of value noise. */
function addBilinear(out: Float32Array, SW: number, SH: number, grid: Float32Array, gw: number, step: number, amp: number): void {
  for (let y = 0; y < SH; y++) {
    const gy = y * step, y0 = Math.floor(gy), fy = gy - y0;
    const r0 = y0 * gw, r1 = r0 + gw;
    for (let x = 0; x < SW; x++) {
      const gx = x * step, x0 = Math.floor(gx), fx = gx - x0;
      const top = grid[r0 + x0]! + (grid[r0 + x0 + 1]! - grid[r0 + x0]!) * fx;
      const bottom = grid[r1 + x0]! + (grid[r1 + x0 + 1]! - grid[r1 + x0]!) * fx;
      out[y * SW + x]! += amp * (top + (bottom - top) * fy);
    }
  }
}

/** Sharp-edged marks of one flat colour per mark: axis-aligned pads and thin diagonal tracks. */
function printMarks(colour: Float32Array[], SW: number, SH: number, rand: () => number, count: number): void {
  for (let m = 0; m < count; m++) {
    const value = rand() < 0.5 ? 0.05 + 0.15 * rand() : 0.8 + 0.2 * rand();
    const paint = (x: number, y: number, cover: number) => {
      for (const p of colour) p[y * SW + x] = p[y * SW + x]! * (1 - cover) + value * cover;
    };
    if (rand() < 0.5) {
      const w = 4 + rand() * SW * 0.05, h = 4 + rand() * SH * 0.05, x0 = rand() * (SW - w), y0 = rand() * (SH - h);
      for (let y = Math.floor(y0); y < Math.ceil(y0 + h); y++) for (let x = Math.floor(x0); x < Math.ceil(x0 + w); x++) {
        const cover = Math.min(1, x + 1 - x0, x0 + w - x) * Math.min(1, y + 1 - y0, y0 + h - y);
        paint(x, y, Math.max(0, cover));
      }
    } else {
      const x0 = rand() * SW, y0 = rand() * SH, angle = rand() * Math.PI, len = SW * (0.05 + 0.15 * rand()), half = 0.8 + 1.5 * rand();
      const dx = Math.cos(angle), dy = Math.sin(angle);
      const xs = [x0, x0 + dx * len], ys = [y0, y0 + dy * len];
      for (let y = Math.max(0, Math.floor(Math.min(...ys) - half - 1)); y < Math.min(SH, Math.ceil(Math.max(...ys) + half + 1)); y++) {
        for (let x = Math.max(0, Math.floor(Math.min(...xs) - half - 1)); x < Math.min(SW, Math.ceil(Math.max(...xs) + half + 1)); x++) {
          const t = Math.min(len, Math.max(0, (x - x0) * dx + (y - y0) * dy));
          const dist = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
          if (dist < half + 0.5) paint(x, y, Math.min(1, half + 0.5 - dist));
        }
      }
    }
  }
}

/** A thin fibre: a smooth random curve across part of the scene, 0.7–1.8 px wide, antialiased coverage. */
function drawHair(alpha: Float32Array, SW: number, SH: number, rand: () => number): void {
  const half = 0.35 + 0.55 * rand();
  const length = Math.min(SW, SH) * (0.4 + 0.6 * rand());
  let x = rand() * SW, y = rand() * SH, heading = rand() * 2 * Math.PI;
  const curl = (rand() * 2 - 1) * 3 / length;
  const wobble = 0.5 * rand(), wobbleRate = (2 + 4 * rand()) / length;
  for (let t = 0; t < length; t += 0.5) {
    heading += curl * 0.5 + wobble * wobbleRate * Math.cos(t * wobbleRate * 2 * Math.PI) * 0.5;
    x += Math.cos(heading) * 0.5;
    y += Math.sin(heading) * 0.5;
    for (let py = Math.max(0, Math.floor(y - half - 1)); py <= Math.min(SH - 1, Math.ceil(y + half + 1)); py++) {
      for (let px = Math.max(0, Math.floor(x - half - 1)); px <= Math.min(SW - 1, Math.ceil(x + half + 1)); px++) {
        const cover = Math.min(1, Math.max(0, half + 0.5 - Math.hypot(px - x, py - y)));
        if (cover > alpha[py * SW + px]!) alpha[py * SW + px] = cover;
      }
    }
  }
}

/** Layered compositing with per-surface blur: acc = G*(c·α) + (1 − G*α)·acc, far to near. */
function composite(surfaces: Surface[], SW: number, SH: number, C: number, sigmaOf: (depth: number) => number): Float32Array[] {
  const acc = Array.from({ length: C }, () => new Float32Array(SW * SH));
  const scratch = new Float32Array(SW * SH), coverage = new Float32Array(SW * SH), bc = new Float32Array(SW * SH);
  for (const s of surfaces) {
    const sigma = sigmaOf(s.depth);
    const a = s.opaque ? undefined : gaussianBlurPlane(s.alpha, SW, SH, sigma, coverage, scratch);
    for (let c = 0; c < C; c++) {
      gaussianBlurPlane(s.premultiplied[c]!, SW, SH, sigma, bc, scratch);
      const t = acc[c]!;
      if (!a) t.set(bc);
      else for (let i = 0; i < t.length; i++) t[i] = bc[i]! + (1 - a[i]!) * t[i]!;
    }
  }
  return acc;
}

/**
 * out[(y*W + x)*C + c] = clamp(gain * src(inv(x, y) + margin)) with Catmull-Rom bicubic interpolation, so
 * resampling blurs no more at half-pixel phases than at whole ones.
 */
function warpBicubic(src: Float32Array, SW: number, SH: number, inv: Affine, margin: number, out: Float32Array,
  W: number, H: number, C: number, c: number, gain: number): void {
  const wx = new Float64Array(4), wy = new Float64Array(4);
  const weights = (t: number, w: Float64Array) => {
    const t2 = t * t, t3 = t2 * t;
    w[0] = -0.5 * t3 + t2 - 0.5 * t;
    w[1] = 1.5 * t3 - 2.5 * t2 + 1;
    w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
    w[3] = 0.5 * t3 - 0.5 * t2;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = inv[0] * x + inv[1] * y + inv[2] + margin;
      const v = inv[3] * x + inv[4] * y + inv[5] + margin;
      const x0 = Math.floor(u), y0 = Math.floor(v);
      weights(u - x0, wx);
      weights(v - y0, wy);
      let sum = 0;
      for (let j = 0; j < 4; j++) {
        const row = Math.min(SH - 1, Math.max(0, y0 - 1 + j)) * SW;
        let line = 0;
        for (let i = 0; i < 4; i++) line += wx[i]! * src[row + Math.min(SW - 1, Math.max(0, x0 - 1 + i))]!;
        sum += wy[j]! * line;
      }
      out[(y * W + x) * C + c] = Math.min(1, Math.max(0, sum * gain));
    }
  }
}

function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

function gaussian(rand: () => number): number {
  const u = Math.max(1e-12, rand()), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Writes the frames as frame_000.png … (16-bit PNG/TIFF when the stack is 16-bit). */
export async function writeStackFiles(stack: SyntheticStack, dir: string, format: 'png' | 'tiff' | 'jpg'): Promise<string[]> {
  const paths: string[] = [];
  for (let k = 0; k < stack.frames; k++) {
    const data = stack.quantizeFrame(k);
    const path = join(dir, `frame_${String(k).padStart(3, '0')}.${format === 'tiff' ? 'tif' : format}`);
    let img = sharp(data, { raw: { width: stack.width, height: stack.height, channels: stack.channels } });
    if (data instanceof Uint16Array) img = img.toColourspace(stack.channels === 3 ? 'rgb16' : 'grey16');
    else if (stack.channels === 1) img = img.toColourspace('b-w');
    if (format === 'png') await img.png().toFile(path);
    else if (format === 'tiff') await img.tiff({ compression: 'lzw' }).toFile(path);
    else await img.jpeg({ quality: 95 }).toFile(path);
    paths.push(path);
  }
  return paths;
}
