import { InputError, type FrameEntry } from '../index.js';
import type { Bounds } from './bounds.js';
import { isResultGroupName } from './result-layers.js';
import { assertImaging } from './support.js';
import type { Photoshop, PsDocument, PsLayer } from './types.js';

export interface LayerFrame {
  id: number;
  name: string;
  visible: boolean;
  isBackground: boolean;
  /** Content bounds clipped to the canvas (layers may be smaller than the canvas). */
  bounds: Bounds;
}

export interface DocumentStack {
  doc: PsDocument;
  channels: 1 | 3;
  bitDepth: 8 | 16;
  /** Usable frames, bottom of the stack first (= nearest focus, frame 0). */
  frames: LayerFrame[];
  /** Every layer looked at, for the panel's list, with why a layer is not used. */
  entries: FrameEntry[];
}

/**
 * Finds the stack in the active document.
 * - Frames are pixel layers (visible or hidden), in stack order bottom to top: the bottom layer is frame 0.
 * - If exactly one group is selected, the stack is the pixel layers inside it; otherwise the document's
 *   top-level pixel layers. Other groups are skipped (and reported), as is our own result group.
 * - The Background layer is a frame like any other (read only; results are never written onto it).
 * - Smart objects, text, shape, fill and adjustment layers are skipped and reported: rasterize to include.
 * - Layers smaller than the canvas are used; the result is cropped to the area every frame covers
 *   (transparent pixels are no data: see layer-source.ts).
 * Throws InputError (one sentence saying what to do) when the document cannot be stacked, or when this
 * Photoshop has no imaging API.
 */
export function findStack(ps: Photoshop): DocumentStack {
  assertImaging(ps);
  const doc = ps.app.activeDocument;
  if (!doc) throw new InputError('Open a document whose layers are the frames (for example File > Scripts > Load Files into Stack), then try again.');
  const mode = String(doc.mode);
  let channels: 1 | 3;
  if (mode === 'RGBColorMode') channels = 3;
  else if (mode === 'grayscaleMode') channels = 1;
  else throw new InputError(`"${doc.name}" is in ${describeMode(mode)} mode; Planewise works on RGB or Grayscale documents: choose Image > Mode > RGB Color and try again.`);
  const bits = String(doc.bitsPerChannel);
  let bitDepth: 8 | 16;
  if (bits === 'bitDepth8') bitDepth = 8;
  else if (bits === 'bitDepth16') bitDepth = 16;
  else throw new InputError(`"${doc.name}" is a ${bits === 'bitDepth32' ? '32' : bits.replace('bitDepth', '')}-bit document; Planewise works on 8- or 16-bit documents: choose Image > Mode > 16 Bits/Channel and try again.`);

  const selectedGroups = [...doc.activeLayers].filter((l) => String(l.kind) === 'group');
  const scope: PsLayer[] = selectedGroups.length === 1 ? [...(selectedGroups[0]!.layers ?? [])] : [...doc.layers];
  const frames: LayerFrame[] = [];
  const entries: FrameEntry[] = [];
  // doc.layers lists the top of the stack first; frames go bottom first.
  for (const layer of scope.reverse()) {
    const kind = String(layer.kind);
    const entry = { id: String(layer.id), name: layer.name };
    if (kind === 'group') {
      const ours = isResultGroupName(layer.name);
      entries.push({ ...entry, usable: false, note: ours ? 'Planewise result' : 'group: select the group to stack the frames inside it' });
      continue;
    }
    if (kind !== 'pixel') {
      entries.push({ ...entry, usable: false, note: `${describeKind(kind)}: rasterize it (Layer > Rasterize) to use it as a frame` });
      continue;
    }
    const b = layer.boundsNoEffects;
    const bounds = {
      left: Math.max(0, Math.round(b.left)),
      top: Math.max(0, Math.round(b.top)),
      right: Math.min(doc.width, Math.round(b.right)),
      bottom: Math.min(doc.height, Math.round(b.bottom)),
    };
    if (bounds.right <= bounds.left || bounds.bottom <= bounds.top) {
      entries.push({ ...entry, usable: false, note: 'empty layer' });
      continue;
    }
    const smaller = bounds.left > 0 || bounds.top > 0 || bounds.right < doc.width || bounds.bottom < doc.height;
    frames.push({ id: layer.id, name: layer.name, visible: layer.visible, isBackground: layer.isBackgroundLayer, bounds });
    entries.push({ ...entry, usable: true, ...(smaller ? { note: 'smaller than the canvas: the result is cropped to it' } : {}) });
  }
  return { doc, channels, bitDepth, frames, entries };
}

/** Picks the requested frames (by layer id, in the given order) and checks there are enough. */
export function selectFrames(stack: DocumentStack, ids: string[] | undefined, reverse: boolean): LayerFrame[] {
  let frames = stack.frames;
  if (ids) {
    frames = ids.map((id) => {
      const frame = stack.frames.find((f) => String(f.id) === id);
      if (!frame) {
        const entry = stack.entries.find((e) => e.id === id);
        throw new InputError(entry ? `Layer "${entry.name}" cannot be a frame (${entry.note}).` : `A selected layer no longer exists; refresh the frame list and try again.`);
      }
      return frame;
    });
  }
  if (reverse) frames = [...frames].reverse();
  if (frames.length < 2) {
    throw new InputError(`A focus stack needs at least two pixel layers; "${stack.doc.name}" has ${frames.length === 0 ? 'none' : 'only one'} to use. Load the frames as layers (File > Scripts > Load Files into Stack).`);
  }
  return frames;
}

function describeMode(mode: string): string {
  const names: Record<string, string> = {
    labColorMode: 'Lab Color', CMYKColorMode: 'CMYK Color', indexedColorMode: 'Indexed Color', bitmapMode: 'Bitmap',
    duotoneMode: 'Duotone', multichannelMode: 'Multichannel',
  };
  return names[mode] ?? mode;
}

function describeKind(kind: string): string {
  const names: Record<string, string> = { smartObject: 'smart object', text: 'text layer', solidColor: 'fill layer', gradientFill: 'fill layer', pattern: 'fill layer', video: 'video layer', threeD: '3D layer' };
  return names[kind] ?? `${kind} layer`;
}
