import { InputError } from '../index.js';
import { RESULT_GROUP_PREFIX } from './frames.js';
import { findLayer } from './layer-sink.js';
import { PS_16BIT_MAX, type Photoshop, type PsDocument, type PsLayer } from './types.js';

const BAND_ROWS = 256;

/** The newest Planewise result group in the document (results are created at the top). */
export function latestResultGroup(doc: PsDocument): PsLayer | undefined {
  return [...doc.layers].find((l) => String(l.kind) === 'group' && l.name.startsWith(RESULT_GROUP_PREFIX));
}

function resultParts(doc: PsDocument): { composite: PsLayer; frames: PsLayer[] } {
  const group = latestResultGroup(doc);
  const children = group ? [...(group.layers ?? [])] : [];
  const composite = children.find((l) => l.name === 'Planewise composite');
  const frames = children.filter((l) => l.name.endsWith('(aligned)'));
  if (!group || !composite || frames.length === 0) {
    throw new InputError('There is no Planewise result in this document to re-composite; run Stack first.');
  }
  return { composite, frames: frames.reverse() }; // bottom first
}

/**
 * Re-composites after the user painted on the layer masks: the aligned frames are blended bottom to top
 * through their (edited) masks with normal blending, C = m·F + (1 − m)·C, and the result replaces the
 * composite layer's pixels. Works in bands of rows; one history step.
 */
export async function recomposite(ps: Photoshop): Promise<void> {
  const doc = ps.app.activeDocument;
  if (!doc) throw new InputError('Open the document with the Planewise result first.');
  const { composite, frames } = resultParts(doc);
  const gray = String(doc.mode) === 'grayscaleMode';
  const wide = String(doc.bitsPerChannel) === 'bitDepth16';
  const full = wide ? PS_16BIT_MAX : 255;
  const C = gray ? 1 : 3;
  await ps.core.executeAsModal(async (ctx) => {
    const suspension = await ctx.hostControl.suspendHistory({ documentID: doc.id, name: 'Planewise re-composite' });
    try {
      // The composite covers the crop; re-composite exactly that area.
      const area = composite.boundsNoEffects;
      for (let top = area.top; top < area.bottom; top += BAND_ROWS) {
        const bounds = { left: area.left, top, right: area.right, bottom: Math.min(area.bottom, top + BAND_ROWS) };
        const w = bounds.right - bounds.left, h = bounds.bottom - top;
        const acc = new Float32Array(w * h * C);
        for (const frame of frames) {
          const pixels = await readBand(ps, doc.id, frame.id, bounds, false);
          const mask = await readBand(ps, doc.id, frame.id, bounds, true);
          if (!pixels) continue;
          for (let p = 0; p < w * h; p++) {
            const alpha = pixels.alpha ? pixels.alpha[p]! : 1;
            const m = (mask ? mask.values[p]! : 1) * alpha;
            for (let c = 0; c < C; c++) acc[p * C + c] = m * pixels.values[p * C + c]! + (1 - m) * acc[p * C + c]!;
          }
        }
        const out = wide ? new Uint16Array(w * h * C) : new Uint8Array(w * h * C);
        acc.forEach((v, i) => (out[i] = Math.round(Math.min(1, Math.max(0, v)) * full)));
        const imageData = await ps.imaging.createImageDataFromBuffer(out, { width: w, height: h, components: C, colorSpace: gray ? 'Grayscale' : 'RGB', chunky: true });
        try {
          await ps.imaging.putPixels({ documentID: doc.id, layerID: composite.id, imageData, replace: false, targetBounds: bounds });
        } finally {
          await imageData.dispose();
        }
      }
      await ctx.hostControl.resumeHistory(suspension, true);
    } catch (error) {
      await ctx.hostControl.resumeHistory(suspension, false).catch(() => undefined);
      throw error;
    }
  }, { commandName: 'Planewise re-composite' });
}

/** One band of a layer's colour (0..1, alpha separate) or of its user mask; undefined where it has none. */
async function readBand(ps: Photoshop, documentID: number, layerID: number, bounds: { left: number; top: number; right: number; bottom: number }, mask: boolean) {
  const w = bounds.right - bounds.left, h = bounds.bottom - bounds.top;
  let result;
  try {
    result = mask
      ? await ps.imaging.getLayerMask({ documentID, layerID, kind: 'user', sourceBounds: bounds })
      : await ps.imaging.getPixels({ documentID, layerID, sourceBounds: bounds });
  } catch {
    return undefined; // no mask, or no pixels in this band
  }
  const { imageData, sourceBounds } = result;
  try {
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

/** Shows or hides the source frames (the layers outside Planewise result groups), as one history step. */
export async function setSourcesVisible(ps: Photoshop, ids: number[], visible: boolean): Promise<void> {
  const doc = ps.app.activeDocument;
  if (!doc) return;
  await ps.core.executeAsModal(async (ctx) => {
    const suspension = await ctx.hostControl.suspendHistory({ documentID: doc.id, name: visible ? 'Planewise show sources' : 'Planewise hide sources' });
    for (const id of ids) {
      const layer = findLayer(doc.layers, id);
      if (layer && layer.visible !== visible) layer.visible = visible;
    }
    await ctx.hostControl.resumeHistory(suspension, true);
  }, { commandName: 'Planewise' });
}

/** Photoshop events after which the frame list may be stale. */
export const DOCUMENT_EVENTS = ['open', 'close', 'select', 'make', 'delete', 'set', 'move', 'show', 'hide', 'historyStateChanged'];

export async function watchDocument(ps: Photoshop, listener: () => void): Promise<() => Promise<void>> {
  const handler = () => listener();
  await ps.action.addNotificationListener(DOCUMENT_EVENTS, handler);
  return () => ps.action.removeNotificationListener(DOCUMENT_EVENTS, handler);
}
