import { fullScale, sampleArray } from '../../engine/pixel-format.js';
import type { OutputPlan, PixelBlock, Rect, ResultSink } from '../../engine/types.js';
import { toBounds } from './bounds.js';
import type { DocumentStack, LayerFrame } from './frames.js';
import { addRevealAllMask, ensureGroupOrder, findLayer, moveToTopLevel, moveToTopOfGroup } from './layers.js';
import { LAYER_NAMES } from '../layer-names.js';
import { alignedName, RESULT_GROUP_NAME } from './result-layers.js';
import { maskImageData, pixelImageData } from './samples.js';
import type { Photoshop, PsLayer } from './types.js';

export interface LayerOutputs {
  /** Add a hidden grayscale layer with the depth map. */
  depthLayer: boolean;
  /** Hide the source layers afterwards (they are never modified or deleted). */
  hideSources: boolean;
}

/**
 * Writes results into the document, inside the caller's modal scope with history suspended. Aligned
 * frames become NEW pixel layers (the originals stay untouched: the user keeps the unaligned frames, and
 * a Background layer, which cannot take a mask, works like any other frame). All go into one group at the
 * top of the document: aligned frames bottom to top each with a user layer mask (layers 'frames'), slab
 * composites above them (with masks for layers 'slabs', else hidden extras), then the composite, optionally
 * the depth map. Layer names are shared with the PSD writer (LAYER_NAMES). Where Photoshop puts new
 * layers is not documented, so every placement is checked by layer id and repaired (layers.ts).
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
    const group = await doc.createLayerGroup({ name: RESULT_GROUP_NAME });
    if (!group) throw new Error('Photoshop did not create the result group');
    this.group = group;
    moveToTopLevel(this.ps, doc, group);
    const created: PsLayer[] = [];
    const make = async (name: string, withMask: boolean): Promise<PsLayer> => {
      const layer = await doc.createPixelLayer({ name });
      if (!layer) throw new Error(`Photoshop did not create layer "${name}"`);
      // Created bottom to top, each goes to the top of the group.
      moveToTopOfGroup(this.ps, layer, group);
      if (withMask) await addRevealAllMask(this.ps, layer);
      created.push(layer);
      return layer;
    };
    for (const i of plan.layerOrder) this.frameLayers[i] = await make(alignedName(this.frames[i]!.name), true);
    for (const slab of plan.slabs) {
      this.slabLayers.push(await make(LAYER_NAMES.slab(this.frames[slab.first]!.name, this.frames[slab.last]!.name), plan.slabMasks));
    }
    this.composite = await make(LAYER_NAMES.composite(plan.mode), false);
    if (this.outputs.depthLayer) this.depth = await make(LAYER_NAMES.depth, false);
    ensureGroupOrder(this.ps, group, created.reverse());
    moveToTopLevel(this.ps, doc, group);
  }

  private target(rect: Rect) {
    const crop = this.plan!.crop;
    // Photoshop uses only left and top of targetBounds.
    return toBounds({ ...rect, left: crop.left + rect.left, top: crop.top + rect.top });
  }

  private async putPixels(layer: PsLayer, rect: Rect, block: PixelBlock): Promise<void> {
    const imageData = await pixelImageData(this.ps, block.data, block.width, block.height, this.stack.channels);
    try {
      await this.ps.imaging.putPixels({ documentID: this.stack.doc.id, layerID: layer.id, imageData, replace: false, targetBounds: this.target(rect) });
    } finally {
      await imageData.dispose();
    }
  }

  private async putMask(layer: PsLayer, rect: Rect, mask: PixelBlock): Promise<void> {
    const maskData = await maskImageData(this.ps, mask.data, mask.width, mask.height);
    try {
      await this.ps.imaging.putLayerMask({ documentID: this.stack.doc.id, layerID: layer.id, kind: 'user', imageData: maskData, replace: false, targetBounds: this.target(rect) });
    } finally {
      await maskData.dispose();
    }
  }

  async writeFrameTile(frame: number, rect: Rect, pixels: PixelBlock, mask: PixelBlock): Promise<void> {
    const layer = this.frameLayers[frame]!;
    await this.putPixels(layer, rect, pixels);
    await this.putMask(layer, rect, mask);
  }

  async writeSlabTile(slab: number, rect: Rect, pixels: PixelBlock, mask?: PixelBlock): Promise<void> {
    const layer = this.slabLayers[slab]!;
    await this.putPixels(layer, rect, pixels);
    if (mask) await this.putMask(layer, rect, mask);
  }

  async writeCompositeTile(rect: Rect, pixels: PixelBlock): Promise<void> {
    await this.putPixels(this.composite!, rect, pixels);
  }

  /** The 8-bit depth map as a gray image in the document's channels and depth. */
  async writeDepthTile(rect: Rect, depth: Uint8Array): Promise<void> {
    if (!this.depth) return;
    const { channels: C, bitDepth } = this.stack;
    const data = sampleArray(bitDepth, depth.length * C);
    const scale = fullScale(bitDepth) / 255;
    for (let i = 0; i < depth.length; i++) for (let c = 0; c < C; c++) data[i * C + c] = depth[i]! * scale;
    await this.putPixels(this.depth, rect, { width: rect.width, height: rect.height, channels: C, data, maxValue: fullScale(bitDepth) });
  }

  async finish(): Promise<void> {
    // Extra slab layers (without masks) and the depth map are material for retouching, hidden so the
    // composite is what shows; masked slabs stay visible: they reproduce the composite.
    const extras = this.plan!.slabMasks ? [] : this.slabLayers;
    for (const layer of [...extras, ...(this.depth ? [this.depth] : [])]) layer.visible = false;
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
