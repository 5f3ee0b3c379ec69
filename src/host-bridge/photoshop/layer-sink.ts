import type { OutputPlan, PixelBlock, Rect, ResultSink } from '../../engine/types.js';
import type { DocumentStack, LayerFrame } from './frames.js';
import { RESULT_GROUP_PREFIX } from './frames.js';
import { PS_16BIT_MAX, type Photoshop, type PsLayer } from './types.js';

export interface LayerOutputs {
  /** Add a hidden grayscale layer with the depth map. */
  depthLayer: boolean;
  /** Hide the source layers afterwards (they are never modified or deleted). */
  hideSources: boolean;
}

/**
 * Writes results into the document, inside the caller's modal scope with history suspended. Aligned
 * frames become NEW pixel layers (the originals stay untouched: the user keeps the unaligned frames, and
 * a Background layer, which cannot take a mask, works like any other frame). All go into one group:
 * aligned frames bottom to top each with a user layer mask, the composite on top, optionally the depth map.
 * Sub-stack (slab) composites, when asked for, go between the frames and the composite, hidden.
 * Tiles are written with putPixels / putLayerMask (replace: false) at their position on the canvas.
 */
export class LayerSink implements ResultSink {
  private plan?: OutputPlan;
  private frameLayers: PsLayer[] = [];
  private slabLayers: PsLayer[] = [];
  private composite?: PsLayer;
  private depth?: PsLayer;
  group?: PsLayer;

  constructor(
    private readonly ps: Photoshop,
    private readonly stack: DocumentStack,
    private readonly frames: LayerFrame[],
    private readonly outputs: LayerOutputs,
  ) {}

  async begin(plan: OutputPlan): Promise<void> {
    this.plan = plan;
    const doc = this.stack.doc;
    const placeInside = this.ps.constants.ElementPlacement.PLACEINSIDE;
    const group = await doc.createLayerGroup({ name: `${RESULT_GROUP_PREFIX} focus stack (${plan.mode === 'pyramid' ? 'pyramid' : 'depth map'})` });
    if (!group) throw new Error('Photoshop did not create the result group');
    this.group = group;
    const make = async (name: string, withMask: boolean): Promise<PsLayer> => {
      const layer = await doc.createPixelLayer({ name });
      if (!layer) throw new Error(`Photoshop did not create layer "${name}"`);
      // Each new layer goes to the top of the group, so creating bottom to top gives the right order.
      layer.move(group, placeInside);
      if (withMask) await this.addRevealAllMask(layer);
      return layer;
    };
    for (const i of plan.layerOrder) this.frameLayers[i] = await make(`${this.frames[i]!.name} (aligned)`, true);
    for (const slab of plan.slabs) {
      this.slabLayers.push(await make(`Slab ${this.frames[slab.first]!.name}–${this.frames[slab.last]!.name}`, false));
    }
    this.composite = await make('Planewise composite', false);
    if (this.outputs.depthLayer) {
      this.depth = await make('Planewise depth map (near = black)', false);
    }
  }

  /** A white (reveal all) user mask, made explicitly so putLayerMask only ever paints into an existing mask. */
  private async addRevealAllMask(layer: PsLayer): Promise<void> {
    await this.ps.action.batchPlay(
      [
        { _obj: 'select', _target: [{ _ref: 'layer', _id: layer.id }], makeVisible: false },
        { _obj: 'make', new: { _class: 'channel' }, at: { _ref: 'channel', _enum: 'channel', _value: 'mask' }, using: { _enum: 'userMaskEnabled', _value: 'revealAll' } },
      ],
      {},
    ).then(assertBatchPlayOk);
  }

  private target(rect: Rect) {
    const crop = this.plan!.crop;
    const left = crop.left + rect.left;
    const top = crop.top + rect.top;
    // Photoshop uses only left and top of targetBounds.
    return { left, top, right: left + rect.width, bottom: top + rect.height };
  }

  /** Engine output (full scale 255 or 65535) to Photoshop image data (16-bit full scale 32768). */
  private async imageData(block: PixelBlock, components: number, data: Uint8Array | Uint16Array = block.data) {
    const samples = data instanceof Uint16Array ? Uint16Array.from(data, (v) => Math.round((v * PS_16BIT_MAX) / 65535)) : data;
    return this.ps.imaging.createImageDataFromBuffer(samples, {
      width: block.width,
      height: block.height,
      components,
      chunky: true,
      colorSpace: components === 1 ? 'Grayscale' : 'RGB',
    });
  }

  private async putPixels(layer: PsLayer, rect: Rect, block: PixelBlock, data?: Uint8Array | Uint16Array, components = this.stack.channels): Promise<void> {
    const imageData = await this.imageData(block, components, data);
    try {
      await this.ps.imaging.putPixels({ documentID: this.stack.doc.id, layerID: layer.id, imageData, replace: false, targetBounds: this.target(rect) });
    } finally {
      await imageData.dispose();
    }
  }

  async writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void> {
    const layer = this.frameLayers[frame]!;
    await this.putPixels(layer, rect, pixels);
    const maskData = await this.imageData(mask, 1);
    try {
      await this.ps.imaging.putLayerMask({ documentID: this.stack.doc.id, layerID: layer.id, kind: 'user', imageData: maskData, replace: false, targetBounds: this.target(rect) });
    } finally {
      await maskData.dispose();
    }
  }

  async writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock): Promise<void> {
    await this.putPixels(this.slabLayers[slab]!, rect, pixels);
  }

  async writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void> {
    await this.putPixels(this.composite!, rect, pixels);
  }

  async writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void> {
    if (!this.depth) return;
    const C = this.stack.channels;
    const wide = this.stack.bitDepth === 16;
    const data = wide ? new Uint16Array(depth.length * C) : new Uint8Array(depth.length * C);
    for (let i = 0; i < depth.length; i++) for (let c = 0; c < C; c++) data[i * C + c] = wide ? depth[i]! * 257 : depth[i]!;
    const block: PixelBlock = { width: rect.width, height: rect.height, channels: C, data, maxValue: wide ? 65535 : 255 };
    await this.putPixels(this.depth, rect, block);
  }

  async finish(): Promise<void> {
    // Slab and depth layers are material for retouching, hidden so the composite is what shows.
    for (const layer of [...this.slabLayers, ...(this.depth ? [this.depth] : [])]) layer.visible = false;
    if (this.outputs.hideSources) {
      for (const f of this.frames) {
        const layer = findLayer(this.stack.doc.layers, f.id);
        if (layer) layer.visible = false;
      }
    }
  }

  /** Nothing to undo here: the host rolls the suspended history back. */
  async abort(): Promise<void> {}
}

function assertBatchPlayOk(results: unknown[]): void {
  for (const r of results as { _obj?: string; message?: string }[]) {
    if (r?._obj === 'error') throw new Error(`Photoshop refused a command: ${r.message ?? 'unknown error'}`);
  }
}

export function findLayer(layers: Iterable<PsLayer>, id: number): PsLayer | undefined {
  for (const layer of layers) {
    if (layer.id === id) return layer;
    const inner = layer.layers ? findLayer(layer.layers, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
