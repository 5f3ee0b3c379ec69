import { InputError } from '../index.js';
import type { Bounds } from './bounds.js';
import { historyStep } from './history-step.js';
import { collectLayers, findLayer } from './layers.js';
import { isCompositeName, isResultGroupName } from './result-layers.js';
import { PS_16BIT_MAX, pixelImageData } from './samples.js';
import type { Photoshop, PsDocument, PsLayer } from './types.js';

const BAND_ROWS = 256;

/** The newest Planewise result group anywhere in the document: results are created at the top, so the first found. */
function latestResultGroup(doc: PsDocument): PsLayer | undefined {
  return collectLayers(doc.layers, (l) => String(l.kind) === 'group' && isResultGroupName(l.name))[0];
}

/**
 * The composite and the layers beneath it (bottom first) of the newest result, wherever the user moved
 * them: the visible pixel layers of its group other than the composite. Those with a user mask (aligned
 * frames, or masked slabs) are what re-composite blends; a layer without one is skipped.
 */
function resultParts(doc: PsDocument): { composite: PsLayer; layers: PsLayer[] } {
  const group = latestResultGroup(doc);
  const inside = group ? collectLayers(group.layers ?? [], () => true) : [];
  const composite = inside.find((l) => isCompositeName(l.name));
  const layers = inside.filter((l) => String(l.kind) === 'pixel' && l.visible && l !== composite && !isCompositeName(l.name));
  if (!group || !composite || layers.length === 0) {
    throw new InputError('There is no Planewise result in this document to re-composite; run Stack first.');
  }
  return { composite, layers: layers.reverse() };
}

/**
 * Re-composites after the user painted on the layer masks: the visible masked layers of the result (aligned
 * frames or slabs) are blended bottom to top through their (edited) masks with normal blending,
 * C = m·F + (1 − m)·C, and the result replaces the composite layer's pixels. Works in bands of rows; one
 * history step.
 */
export async function recomposite(ps: Photoshop): Promise<void> {
  const doc = ps.app.activeDocument;
  if (!doc) throw new InputError('Open the document with the Planewise result first.');
  const { composite, layers } = resultParts(doc);
  const channels = String(doc.mode) === 'grayscaleMode' ? 1 : 3;
  const wide = String(doc.bitsPerChannel) === 'bitDepth16';
  await historyStep(ps, { documentID: doc.id, name: 'Planewise re-composite' }, async () => {
    // The composite covers the crop; re-composite exactly that area.
    const area = composite.boundsNoEffects;
    for (let top = area.top; top < area.bottom; top += BAND_ROWS) {
      const bounds = { left: area.left, top, right: area.right, bottom: Math.min(area.bottom, top + BAND_ROWS) };
      const w = bounds.right - bounds.left, h = bounds.bottom - top;
      const acc = new Float32Array(w * h * channels);
      for (const layer of layers) {
        const mask = await readBand(ps, doc.id, layer.id, bounds, true);
        const pixels = mask && await readBand(ps, doc.id, layer.id, bounds, false);
        if (!pixels) continue;
        for (let p = 0; p < w * h; p++) {
          const alpha = pixels.alpha ? pixels.alpha[p]! : 1;
          const m = mask!.values[p]! * alpha;
          for (let c = 0; c < channels; c++) acc[p * channels + c] = m * pixels.values[p * channels + c]! + (1 - m) * acc[p * channels + c]!;
        }
      }
      // Engine-scale samples (255 or 65535); pixelImageData converts to Photoshop's range.
      const full = wide ? 65535 : 255;
      const out = wide ? new Uint16Array(w * h * channels) : new Uint8Array(w * h * channels);
      acc.forEach((v, i) => (out[i] = Math.round(Math.min(1, Math.max(0, v)) * full)));
      const imageData = await pixelImageData(ps, out, w, h, channels);
      try {
        await ps.imaging.putPixels({ documentID: doc.id, layerID: composite.id, imageData, replace: false, targetBounds: bounds });
      } finally {
        await imageData.dispose();
      }
    }
  });
}

/**
 * One band of a layer's colour (0..1, with its alpha: zero where the layer has no pixels; grayscale reads
 * carry no alpha, so there only the trimmed bounds tell) or of its user mask; undefined where it has none.
 */
async function readBand(ps: Photoshop, documentID: number, layerID: number, bounds: Bounds, mask: boolean) {
  const w = bounds.right - bounds.left, h = bounds.bottom - bounds.top;
  let result;
  try {
    result = mask
      ? await ps.imaging.getLayerMask({ documentID, layerID, kind: 'user', sourceBounds: bounds })
      : await ps.imaging.getPixels({ documentID, layerID, sourceBounds: bounds });
  } catch {
    return undefined; // no mask
  }
  const { imageData, sourceBounds } = result;
  try {
    if (imageData.width === 0 || imageData.height === 0) return undefined; // a transparent band: no pixels
    const data = await imageData.getData({ chunky: true });
    const full = imageData.componentSize === 16 ? PS_16BIT_MAX : 255;
    const comps = imageData.components;
    const colour = mask ? 1 : imageData.hasAlpha ? comps - 1 : comps;
    const values = new Float32Array(w * h * colour);
    const alpha = !mask ? new Float32Array(w * h) : undefined; // zero where the layer has no pixels
    // Photoshop trims to where the layer has pixels; only the overlap with the band is used.
    for (let y = Math.max(sourceBounds.top, bounds.top); y < Math.min(sourceBounds.bottom, bounds.bottom); y++) {
      for (let x = Math.max(sourceBounds.left, bounds.left); x < Math.min(sourceBounds.right, bounds.right); x++) {
        const s = ((y - sourceBounds.top) * (sourceBounds.right - sourceBounds.left) + (x - sourceBounds.left)) * comps;
        const d = (y - bounds.top) * w + (x - bounds.left);
        for (let c = 0; c < colour; c++) values[d * colour + c] = data[s + c]! / full;
        if (alpha) alpha[d] = imageData.hasAlpha ? data[s + colour]! / full : 1;
      }
    }
    return { values, alpha };
  } finally {
    await imageData.dispose();
  }
}

/** Shows or hides the source frames (by layer id, wherever they are), as one history step that rolls back on failure. */
export async function setSourcesVisible(ps: Photoshop, ids: number[], visible: boolean): Promise<void> {
  const doc = ps.app.activeDocument;
  if (!doc) return;
  await historyStep(ps, { documentID: doc.id, name: visible ? 'Planewise show sources' : 'Planewise hide sources' }, async () => {
    for (const id of ids) {
      const layer = findLayer(doc.layers, id);
      if (layer && layer.visible !== visible) layer.visible = visible;
    }
  });
}
