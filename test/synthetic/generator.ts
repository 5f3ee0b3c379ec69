import sharp from 'sharp';
import { join } from 'node:path';

/**
 * Synthetic focus stacks with known ground truth: the all-in-focus image, the depth of every pixel, and the
 * exact transform and gain of every frame. The optics are a thin-lens caricature that keeps what matters
 * to a focus stacker:
 * - the scene is a few textured surfaces at different depths, nearer ones occluding farther ones;
 * - frame k is focused at depth k; a surface at depth d is blurred by a Gaussian of sigma = blurPerStep·|k−d|;
 * - occlusion is composited far to near as acc = G*(c·α) + (1 − G*α)·acc, so a blurred foreground edge
 *   spreads over the background behind it (the source of halos in real stacks);
 * - each frame is then scaled (focus breathing, growing with k), shifted and rotated slightly, its
 *   brightness and white balance jittered, and noise added.
 */

export type Affine = [number, number, number, number, number, number];

export interface SyntheticOptions {
  width: number;
  height: number;
  frames: number;
  seed?: number;
  depthLayers?: number;
  /** Blur sigma in pixels per frame step away from a surface's depth. */
  maxBlur?: number;
  breathing?: number;
  maxShift?: number;
  maxRotationDeg?: number;
  flicker?: number;
  whiteBalance?: number;
  noise?: number;
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
  depth: Float32Array;
  transforms: Affine[];
  gains: [number, number, number][];
  renderFrame(k: number): Float32Array;
  quantizeFrame(k: number): Uint8Array | Uint16Array;
}

interface Surface {
  depth: number;
  colour: Float32Array[]; // planar, scene size
  alpha: Float32Array; // coverage, scene size
}

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
  const o: Required<SyntheticOptions> = {
    seed: 1, depthLayers: 4, maxBlur: 1.5, breathing: 0.02, maxShift: 3, maxRotationDeg: 0.3, flicker: 0.03,
    whiteBalance: 0.02, noise: 0.003, channels: 3, bitDepth: 8, ...input,
  };
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

  // Ground truth in reference geometry: sharp layered composite, and the depth of the front surface.
  const sharpScene = composite(surfaces, SW, SH, C, () => 0);
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
    const blurred = composite(surfaces, SW, SH, C, (d) => o.maxBlur * Math.abs(k - d));
    const inv = invertAffine(transforms[k]!);
    const out = new Float32Array(W * H * C);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = inv[0] * x + inv[1] * y + inv[2] + margin;
        const v = inv[3] * x + inv[4] * y + inv[5] + margin;
        for (let c = 0; c < C; c++) {
          const g = C === 1 ? gains[k]![1]! : gains[k]![c]!;
          out[(y * W + x) * C + c] = Math.min(1, Math.max(0, bilinear(blurred[c]!, SW, SH, u, v) * g));
        }
      }
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

/** Far to near: a background at the far end, a wide strip, mid blobs and small near objects. */
function makeSurfaces(o: Required<SyntheticOptions>, SW: number, SH: number, rand: () => number): Surface[] {
  const n = Math.max(2, o.depthLayers);
  const surfaces: Surface[] = [];
  for (let i = 0; i < n; i++) {
    const depth = (o.frames - 1) * (1 - i / (n - 1)) * 0.9 + (o.frames - 1) * 0.05;
    const colour = Array.from({ length: o.channels }, (_, c) => texture(SW, SH, rand, 0.25 + 0.15 * c));
    const tint = [0.6 + 0.4 * rand(), 0.6 + 0.4 * rand(), 0.6 + 0.4 * rand()];
    colour.forEach((p, c) => p.forEach((v, j) => (p[j] = v * tint[c]!)));
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
    surfaces.push({ depth, colour, alpha });
  }
  return surfaces;
}

/** Multi-scale value noise plus fine random dots: detail at every scale so defocus is measurable. */
function texture(SW: number, SH: number, rand: () => number, base: number): Float32Array {
  const out = new Float32Array(SW * SH).fill(base);
  for (const [cell, amp] of [[32, 0.25], [8, 0.2], [3, 0.15], [1.5, 0.12]] as const) {
    const gw = Math.ceil(SW / cell) + 2, gh = Math.ceil(SH / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => rand() - 0.5);
    for (let y = 0; y < SH; y++) for (let x = 0; x < SW; x++) out[y * SW + x]! += amp * bilinear(grid, gw, gh, x / cell, y / cell);
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
}

/** Layered compositing with per-surface blur: acc = G*(c·α) + (1 − G*α)·acc, far to near. */
function composite(surfaces: Surface[], SW: number, SH: number, C: number, sigmaOf: (depth: number) => number): Float32Array[] {
  const acc = Array.from({ length: C }, () => new Float32Array(SW * SH));
  for (const s of surfaces) {
    const sigma = sigmaOf(s.depth);
    const a = blur(s.alpha, SW, SH, sigma);
    for (let c = 0; c < C; c++) {
      const premultiplied = s.colour[c]!.map((v, i) => v * s.alpha[i]!);
      const bc = blur(premultiplied, SW, SH, sigma);
      const t = acc[c]!;
      for (let i = 0; i < t.length; i++) t[i] = bc[i]! + (1 - a[i]!) * t[i]!;
    }
  }
  return acc;
}

/** Gaussian approximated by three box blurs (clamped edges). */
function blur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (sigma < 0.3) return src.slice();
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  let a = src.slice();
  let b = new Float32Array(src.length);
  for (let pass = 0; pass < 3; pass++) {
    boxLine(a, b, w, h, r, true);
    boxLine(b, a, w, h, r, false);
  }
  return a;
}

function boxLine(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, horizontal: boolean): void {
  const n = horizontal ? w : h, lines = horizontal ? h : w, stride = horizontal ? 1 : w;
  const norm = 1 / (2 * r + 1);
  for (let l = 0; l < lines; l++) {
    const base = horizontal ? l * w : l;
    const at = (i: number) => src[base + Math.min(n - 1, Math.max(0, i)) * stride]!;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += at(k);
    for (let i = 0; i < n; i++) {
      dst[base + i * stride] = sum * norm;
      sum += at(i + r + 1) - at(i - r);
    }
  }
}

function bilinear(p: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const cx = (i: number) => Math.min(w - 1, Math.max(0, i)), cy = (i: number) => Math.min(h - 1, Math.max(0, i));
  const a = p[cy(y0) * w + cx(x0)]!, b = p[cy(y0) * w + cx(x0 + 1)]!;
  const c = p[cy(y0 + 1) * w + cx(x0)]!, d = p[cy(y0 + 1) * w + cx(x0 + 1)]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
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

/** Peak signal-to-noise ratio (peak 1) of chunky images, optionally over a region. */
export function psnr(a: Float32Array, b: Float32Array, channels: number, width: number, region?: { left: number; top: number; width: number; height: number }): number {
  const height = a.length / channels / width;
  const r = region ?? { left: 0, top: 0, width, height };
  let sum = 0, count = 0;
  for (let y = r.top; y < r.top + r.height; y++) {
    for (let x = r.left; x < r.left + r.width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        sum += (a[i]! - b[i]!) ** 2;
        count++;
      }
    }
  }
  return 10 * Math.log10(1 / Math.max(1e-12, sum / count));
}

/** A chunky image (reference geometry) cut to a rectangle, e.g. the ground truth to an output's crop. */
export function cropChunky(image: Float32Array, width: number, channels: number, crop: { left: number; top: number; width: number; height: number }): Float32Array {
  const out = new Float32Array(crop.width * crop.height * channels);
  for (let y = 0; y < crop.height; y++) {
    const start = ((crop.top + y) * width + crop.left) * channels;
    out.set(image.subarray(start, start + crop.width * channels), y * crop.width * channels);
  }
  return out;
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
