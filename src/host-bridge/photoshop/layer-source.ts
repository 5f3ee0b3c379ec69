import { sampleArray, scaledReadSize } from '../../engine/pixel-format.js';
import type { FrameSource, PixelBlock, ReadRequest, Rect, StackInfo } from '../../engine/types.js';
import { InputError } from '../index.js';
import { toBounds, toRect, type Bounds } from './bounds.js';
import type { DocumentStack, LayerFrame } from './frames.js';
import { photoshopFullScale } from './samples.js';
import type { Photoshop } from './types.js';
import { opaqueArea } from './valid-area.js';

/**
 * Frames from Photoshop layers through imaging.getPixels: one rectangle (sourceBounds) or one downscaled
 * copy (targetSize) per call, so Photoshop, not the plugin, holds the stack. Image data is copied and
 * disposed at once. Each frame is read only inside its valid (opaque) area, found once when the source
 * opens and told to the engine as FrameInfo.valid so the crop stays inside it; a read reaching outside
 * repeats the nearest valid pixel. Photoshop reports 16-bit data in 0..32768, so blocks say so in maxValue.
 */
export class LayerFrameSource implements FrameSource {
  readonly info: StackInfo;
  private readonly maxValue: number;

  private constructor(private readonly ps: Photoshop, private readonly stack: DocumentStack, private readonly frames: LayerFrame[], private readonly valid: Rect[]) {
    const { width, height } = stack.doc;
    const whole = (r: Rect) => r.left === 0 && r.top === 0 && r.width === width && r.height === height;
    this.info = {
      width,
      height,
      channels: stack.channels,
      bitDepth: stack.bitDepth,
      frames: frames.map((f, i) => ({ name: f.name, ...(whole(valid[i]!) ? {} : { valid: valid[i]! }) })),
    };
    this.maxValue = photoshopFullScale(stack.bitDepth);
  }

  /** Finds each frame's valid area (one small read per layer); call inside the run's modal scope. */
  static async open(ps: Photoshop, stack: DocumentStack, frames: LayerFrame[]): Promise<LayerFrameSource> {
    const valid: Rect[] = [];
    for (const frame of frames) {
      const area = await opaqueArea(ps, stack.doc.id, frame);
      if (!area) throw new InputError(`Layer "${frame.name}" is fully transparent; hide or delete it, or leave it out of the frames, and try again.`);
      valid.push(area);
    }
    return new LayerFrameSource(ps, stack, frames, valid);
  }

  async read(index: number, request: ReadRequest = {}): Promise<PixelBlock> {
    const frame = this.frames[index]!;
    const v = this.valid[index]!;
    const { width: W, height: H } = this.info;
    if (request.targetWidth !== undefined && !request.rect) {
      const size = scaledReadSize(W, H, request.targetWidth);
      return this.readScaled(frame, v, size.width, size.height);
    }
    const rect = request.rect ?? { left: 0, top: 0, width: W, height: H };
    const inside = {
      left: Math.max(rect.left, v.left),
      top: Math.max(rect.top, v.top),
      right: Math.min(rect.left + rect.width, v.left + v.width),
      bottom: Math.min(rect.top + rect.height, v.top + v.height),
    };
    let px = inside.right > inside.left && inside.bottom > inside.top ? await this.getPixels(frame, inside) : undefined;
    if (!px) {
      // No data in the rectangle: repeat the nearest pixel of the valid area.
      const nx = Math.min(Math.max(rect.left, v.left), v.left + v.width - 1);
      const ny = Math.min(Math.max(rect.top, v.top), v.top + v.height - 1);
      px = await this.getPixels(frame, { left: nx, top: ny, right: nx + 1, bottom: ny + 1 });
      if (!px) throw new Error(`Photoshop returned no pixels of layer "${frame.name}" where it had them before`);
    }
    return this.place(px.data, px.bounds, px.components, rect, request.buffer);
  }

  /** One rectangle of a layer at the document's depth, or undefined when Photoshop has no pixels there (empty bounds). */
  private async getPixels(frame: LayerFrame, bounds: Bounds) {
    const result = await this.ps.imaging.getPixels({
      documentID: this.stack.doc.id,
      layerID: frame.id,
      sourceBounds: bounds,
      componentSize: this.stack.bitDepth,
    });
    try {
      const sb = result.sourceBounds;
      if (sb.right <= sb.left || sb.bottom <= sb.top || result.imageData.width === 0) return undefined;
      const data = (await result.imageData.getData({ chunky: true })) as Uint8Array | Uint16Array;
      return {
        data,
        components: result.imageData.components,
        bounds: toRect(sb),
      };
    } finally {
      await result.imageData.dispose();
    }
  }

  /** Downscaled whole frame: Photoshop serves it from its cached pyramid levels; we then fit it to tw x th. */
  private async readScaled(frame: LayerFrame, v: Rect, tw: number, th: number): Promise<PixelBlock> {
    const { width: W, height: H } = this.info;
    const result = await this.ps.imaging.getPixels({
      documentID: this.stack.doc.id,
      layerID: frame.id,
      sourceBounds: toBounds(v),
      targetSize: { width: Math.max(1, Math.round((v.width * tw) / W)) },
      componentSize: this.stack.bitDepth,
    });
    let data: Uint8Array | Uint16Array;
    let sw: number, sh: number, components: number;
    try {
      sw = result.imageData.width;
      sh = result.imageData.height;
      components = result.imageData.components;
      if (sw === 0 || sh === 0) throw new Error(`Photoshop returned no pixels of layer "${frame.name}" where it had them before`);
      data = (await result.imageData.getData({ chunky: true })) as Uint8Array | Uint16Array;
    } finally {
      await result.imageData.dispose();
    }
    // Place the valid area where it sits on the canvas at this scale. Photoshop may return a pyramid level
    // rather than exactly the target size, so positions are derived from our own full-size bounds.
    const sx = tw / W, sy = th / H;
    const dst: Rect = {
      left: Math.round(v.left * sx),
      top: Math.round(v.top * sy),
      width: Math.max(1, Math.round(v.width * sx)),
      height: Math.max(1, Math.round(v.height * sy)),
    };
    const fitted = resample(data, sw, sh, components, dst.width, dst.height);
    return this.place(fitted, dst, components, { left: 0, top: 0, width: tw, height: th });
  }

  /**
   * Copies `src` (covering `srcRect`, `components` per pixel) into a block covering `rect`, dropping alpha
   * and repeating the nearest source pixel outside `srcRect`; into `buffer` when the engine lends one big
   * enough (so streaming frames makes no garbage). Every frame's pixels pass through here, so the loops
   * are kept plain: source offsets per column are computed once, and rows that need no alpha dropped or
   * edge repeated are copied whole.
   */
  private place(src: Uint8Array | Uint16Array, srcRect: Rect, components: number, rect: Rect, buffer?: ArrayBuffer): PixelBlock {
    const C = this.info.channels;
    const length = rect.width * rect.height * C;
    const out = sampleArray(this.info.bitDepth, length, buffer);
    const column = new Int32Array(rect.width);
    for (let x = 0; x < rect.width; x++) column[x] = Math.min(srcRect.width - 1, Math.max(0, rect.left + x - srcRect.left)) * components;
    const wholeRows = components === C && rect.left >= srcRect.left && rect.left + rect.width <= srcRect.left + srcRect.width;
    const rowLength = rect.width * C;
    for (let y = 0, d = 0; y < rect.height; y++) {
      const row = Math.min(srcRect.height - 1, Math.max(0, rect.top + y - srcRect.top)) * srcRect.width * components;
      if (wholeRows) {
        const start = row + column[0]!;
        out.set(src.subarray(start, start + rowLength), d);
        d += rowLength;
      } else if (C === 3) {
        for (let x = 0; x < rect.width; x++, d += 3) {
          const s = row + column[x]!;
          out[d] = src[s]!;
          out[d + 1] = src[s + 1]!;
          out[d + 2] = src[s + 2]!;
        }
      } else {
        for (let x = 0; x < rect.width; x++) out[d++] = src[row + column[x]!]!;
      }
    }
    return { width: rect.width, height: rect.height, channels: C, data: out, maxValue: this.maxValue };
  }
}

/**
 * Fits an analysis image to an exact size by box averaging (Photoshop may hand back a cached pyramid level
 * up to twice the requested size); when enlarging, the box is one pixel, i.e. nearest neighbour.
 */
function resample(src: Uint8Array | Uint16Array, sw: number, sh: number, components: number, dw: number, dh: number): Uint8Array | Uint16Array {
  if (sw === dw && sh === dh) return src;
  const out = src instanceof Uint16Array ? new Uint16Array(dw * dh * components) : new Uint8Array(dw * dh * components);
  /** Source spans [start, end) of each destination index, computed once per axis. */
  const spans = (s: number, d: number) => {
    const start = new Int32Array(d), end = new Int32Array(d);
    for (let i = 0; i < d; i++) {
      start[i] = Math.min(s - 1, Math.floor((i * s) / d));
      end[i] = Math.max(start[i]! + 1, Math.min(s, Math.ceil(((i + 1) * s) / d)));
    }
    return { start, end };
  };
  const ys = spans(sh, dh), xs = spans(sw, dw);
  for (let y = 0; y < dh; y++) {
    const y0 = ys.start[y]!, y1 = ys.end[y]!;
    for (let x = 0; x < dw; x++) {
      const x0 = xs.start[x]!, x1 = xs.end[x]!;
      const area = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < components; c++) {
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[(yy * sw + xx) * components + c]!;
        out[(y * dw + x) * components + c] = Math.round(sum / area);
      }
    }
  }
  return out;
}
