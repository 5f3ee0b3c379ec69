import type { FrameSource, PixelBlock, ReadRequest, Rect, StackInfo } from '../../engine/types.js';
import type { DocumentStack, LayerFrame } from './frames.js';
import { PS_16BIT_MAX, type Photoshop } from './types.js';

/**
 * Frames from Photoshop layers through imaging.getPixels: one rectangle (sourceBounds) or one downscaled
 * copy (targetSize) per call, so Photoshop, not the plugin, holds the stack. Image data is copied and
 * disposed at once. Photoshop trims reads to the layer's pixels, so every read is placed into a block of
 * the requested size, repeating the nearest edge pixel where the layer has none.
 */
export class LayerFrameSource implements FrameSource {
  readonly info: StackInfo;
  private readonly maxValue: number;

  constructor(private readonly ps: Photoshop, private readonly stack: DocumentStack, private readonly frames: LayerFrame[]) {
    this.info = {
      width: stack.doc.width,
      height: stack.doc.height,
      channels: stack.channels,
      bitDepth: stack.bitDepth,
      frames: frames.map((f) => ({ name: f.name })),
    };
    this.maxValue = stack.bitDepth === 16 ? PS_16BIT_MAX : 255;
  }

  async read(index: number, request: ReadRequest = {}): Promise<PixelBlock> {
    const frame = this.frames[index]!;
    const { width: W, height: H } = this.info;
    if (request.targetWidth !== undefined && !request.rect) {
      const tw = Math.max(1, Math.min(W, Math.round(request.targetWidth)));
      const th = Math.max(1, Math.round((H * tw) / W));
      return this.readScaled(frame, tw, th);
    }
    const rect = request.rect ?? { left: 0, top: 0, width: W, height: H };
    const b = frame.bounds;
    const inside = {
      left: Math.max(rect.left, b.left),
      top: Math.max(rect.top, b.top),
      right: Math.min(rect.left + rect.width, b.right),
      bottom: Math.min(rect.top + rect.height, b.bottom),
    };
    if (inside.right <= inside.left || inside.bottom <= inside.top) {
      // Entirely outside the layer's pixels: read the nearest 1-pixel strip and extend it.
      const nx = Math.min(Math.max(rect.left, b.left), b.right - 1);
      const ny = Math.min(Math.max(rect.top, b.top), b.bottom - 1);
      const px = await this.getPixels(frame, { left: nx, top: ny, right: nx + 1, bottom: ny + 1 });
      return this.place(px.data, { left: nx, top: ny, width: 1, height: 1 }, px.components, rect);
    }
    const px = await this.getPixels(frame, inside);
    return this.place(px.data, px.bounds, px.components, rect);
  }

  private async getPixels(frame: LayerFrame, bounds: { left: number; top: number; right: number; bottom: number }) {
    const result = await this.ps.imaging.getPixels({
      documentID: this.stack.doc.id,
      layerID: frame.id,
      sourceBounds: bounds,
      componentSize: this.stack.bitDepth,
    });
    try {
      const data = (await result.imageData.getData({ chunky: true })) as Uint8Array | Uint16Array;
      const sb = result.sourceBounds;
      return {
        data,
        components: result.imageData.components,
        bounds: { left: sb.left, top: sb.top, width: sb.right - sb.left, height: sb.bottom - sb.top },
      };
    } finally {
      await result.imageData.dispose();
    }
  }

  /** Downscaled whole frame: Photoshop serves it from its cached pyramid levels; we then fit it to tw x th. */
  private async readScaled(frame: LayerFrame, tw: number, th: number): Promise<PixelBlock> {
    const { width: W, height: H } = this.info;
    const b = frame.bounds;
    const contentW = Math.max(1, Math.round(((b.right - b.left) * tw) / W));
    const result = await this.ps.imaging.getPixels({
      documentID: this.stack.doc.id,
      layerID: frame.id,
      sourceBounds: b,
      targetSize: { width: contentW },
      componentSize: this.stack.bitDepth,
    });
    let data: Uint8Array | Uint16Array;
    let sw: number, sh: number, components: number;
    try {
      data = (await result.imageData.getData({ chunky: true })) as Uint8Array | Uint16Array;
      sw = result.imageData.width;
      sh = result.imageData.height;
      components = result.imageData.components;
    } finally {
      await result.imageData.dispose();
    }
    // Place the layer's content where it sits on the canvas at this scale. Photoshop may return a pyramid
    // level rather than exactly the target size, so positions are derived from our own full-size bounds.
    const sx = tw / W, sy = th / H;
    const dst: Rect = {
      left: Math.round(b.left * sx),
      top: Math.round(b.top * sy),
      width: Math.max(1, Math.round((b.right - b.left) * sx)),
      height: Math.max(1, Math.round((b.bottom - b.top) * sy)),
    };
    const fitted = resample(data, sw, sh, components, dst.width, dst.height);
    return this.place(fitted, dst, components, { left: 0, top: 0, width: tw, height: th });
  }

  /**
   * Copies `src` (covering `srcRect`, `components` per pixel) into a block covering `rect`, dropping alpha
   * and repeating the nearest source pixel outside `srcRect`.
   */
  private place(src: Uint8Array | Uint16Array, srcRect: Rect, components: number, rect: Rect): PixelBlock {
    const C = this.info.channels;
    const out = this.info.bitDepth === 16 ? new Uint16Array(rect.width * rect.height * C) : new Uint8Array(rect.width * rect.height * C);
    for (let y = 0; y < rect.height; y++) {
      const sy = Math.min(srcRect.height - 1, Math.max(0, rect.top + y - srcRect.top));
      for (let x = 0; x < rect.width; x++) {
        const sx = Math.min(srcRect.width - 1, Math.max(0, rect.left + x - srcRect.left));
        const s = (sy * srcRect.width + sx) * components;
        const d = (y * rect.width + x) * C;
        for (let c = 0; c < C; c++) out[d + c] = src[s + c]!;
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
  const span = (i: number, s: number, d: number): [number, number] => {
    const a = Math.min(s - 1, Math.floor((i * s) / d));
    return [a, Math.max(a + 1, Math.min(s, Math.ceil(((i + 1) * s) / d)))];
  };
  for (let y = 0; y < dh; y++) {
    const [y0, y1] = span(y, sh, dh);
    for (let x = 0; x < dw; x++) {
      const [x0, x1] = span(x, sw, dw);
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
