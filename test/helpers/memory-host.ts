import { scaledReadSize } from '../../src/engine/pixel-format.js';
import type { OutputPlan, PixelBlock, ReadRequest, Rect, ResultSink, StackInfo, StackResult, FrameSource } from '../../src/engine/types.js';

/** Frames held in memory (tests only), served by rectangle or downscaled like a real host. */
export class MemoryFrameSource implements FrameSource {
  readonly reads: ReadRequest[] = [];
  constructor(readonly info: StackInfo, readonly frames: (Uint8Array | Uint16Array)[]) {}

  async read(frame: number, request: ReadRequest = {}): Promise<PixelBlock> {
    this.reads.push(request);
    const { width: W, height: H, channels: C, bitDepth } = this.info;
    const src = this.frames[frame]!;
    const maxValue = bitDepth === 16 ? 65535 : 255;
    if (request.targetWidth !== undefined && !request.rect) {
      const { width: tw, height: th } = scaledReadSize(W, H, request.targetWidth);
      const out = bitDepth === 16 ? new Uint16Array(tw * th * C) : new Uint8Array(tw * th * C);
      for (let y = 0; y < th; y++) {
        const y0 = Math.floor((y * H) / th), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / th));
        for (let x = 0; x < tw; x++) {
          const x0 = Math.floor((x * W) / tw), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / tw));
          for (let c = 0; c < C; c++) {
            let s = 0;
            for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += src[(yy * W + xx) * C + c]!;
            out[(y * tw + x) * C + c] = Math.round(s / ((y1 - y0) * (x1 - x0)));
          }
        }
      }
      return { width: tw, height: th, channels: C, data: out, maxValue };
    }
    const r = request.rect ?? { left: 0, top: 0, width: W, height: H };
    if (r.left < 0 || r.top < 0 || r.left + r.width > W || r.top + r.height > H) throw new Error(`read outside the frame: ${JSON.stringify(r)}`);
    const out = bitDepth === 16 ? new Uint16Array(r.width * r.height * C) : new Uint8Array(r.width * r.height * C);
    for (let y = 0; y < r.height; y++) {
      const start = ((r.top + y) * W + r.left) * C;
      out.set(src.subarray(start, start + r.width * C), y * r.width * C);
    }
    return { width: r.width, height: r.height, channels: C, data: out, maxValue };
  }
}

/** Collects every output tile into full images, and checks each pixel is written exactly once. */
export class MemorySink implements ResultSink {
  plan?: OutputPlan;
  layers: Float32Array[] = [];
  masks: Float32Array[] = [];
  slabs: Float32Array[] = [];
  slabMasks: Float32Array[] = [];
  composite?: Float32Array;
  depth?: Uint8Array;
  result?: StackResult;
  aborted = false;
  private writes?: Uint8Array;

  async begin(plan: OutputPlan): Promise<void> {
    this.plan = plan;
    const { width, height } = plan.crop;
    const n = plan.layerOrder.length;
    this.layers = Array.from({ length: n }, () => new Float32Array(width * height * plan.channels));
    this.masks = Array.from({ length: n }, () => new Float32Array(width * height));
    this.slabs = plan.slabs.map(() => new Float32Array(width * height * plan.channels).fill(NaN));
    this.slabMasks = plan.slabs.map(() => new Float32Array(width * height).fill(NaN));
    this.composite = new Float32Array(width * height * plan.channels);
    this.depth = new Uint8Array(width * height);
    this.writes = new Uint8Array(width * height);
  }

  private put(target: Float32Array, rect: Rect, block: PixelBlock, channels: number): void {
    const W = this.plan!.crop.width;
    for (let y = 0; y < rect.height; y++) {
      for (let x = 0; x < rect.width; x++) {
        for (let c = 0; c < channels; c++) {
          target[((rect.top + y) * W + rect.left + x) * channels + c] = block.data[(y * rect.width + x) * channels + c]! / block.maxValue;
        }
      }
    }
  }

  async writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void> {
    this.put(this.layers[frame]!, rect, pixels, this.plan!.channels);
    this.put(this.masks[frame]!, rect, mask, 1);
  }

  async writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    this.put(this.slabs[slab]!, rect, pixels, this.plan!.channels);
    if (mask) this.put(this.slabMasks[slab]!, rect, mask, 1);
  }

  async writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void> {
    this.put(this.composite!, rect, pixels, this.plan!.channels);
    const W = this.plan!.crop.width;
    for (let y = 0; y < rect.height; y++) for (let x = 0; x < rect.width; x++) this.writes![(rect.top + y) * W + rect.left + x]!++;
  }

  async writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void> {
    const W = this.plan!.crop.width;
    for (let y = 0; y < rect.height; y++) this.depth!.set(depth.subarray(y * rect.width, (y + 1) * rect.width), (rect.top + y) * W + rect.left);
  }

  async finish(result: StackResult): Promise<void> {
    if (this.writes!.some((v) => v !== 1)) throw new Error('composite pixels written zero or several times');
    this.result = result;
  }

  async abort(): Promise<void> {
    this.aborted = true;
  }

  /** Normal blending of the masked layers (frames, or slabs), bottom to top, as Photoshop shows them. */
  blendLayers(which: 'frames' | 'slabs' = 'frames'): Float32Array {
    const { channels, layerOrder } = this.plan!;
    const out = new Float32Array(this.composite!.length);
    const stack = which === 'frames' ? layerOrder.map((i) => [this.layers[i]!, this.masks[i]!] as const) : this.slabs.map((s, j) => [s, this.slabMasks[j]!] as const);
    for (const [layer, mask] of stack) {
      for (let p = 0; p < mask.length; p++) {
        const m = mask[p]!;
        for (let c = 0; c < channels; c++) out[p * channels + c] = m * layer[p * channels + c]! + (1 - m) * out[p * channels + c]!;
      }
    }
    return out;
  }
}
