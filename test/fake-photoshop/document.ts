/**
 * The fake's document model: plain data (so snapshots and rollbacks are deep copies) plus the DOM wrappers
 * the adapter sees (typed against our slice of @types/photoshop in src/host-bridge/photoshop/types.ts).
 *
 * Modelling choices where Photoshop's docs are silent (each is a "verified only against the fake" item, and
 * each has a quirk in quirks.ts that breaks it so the self-check can be shown to notice):
 * - doc.layers lists the top of the stack first; a Background layer is last.
 * - createPixelLayer puts the new layer at the top of the stack, inside the top item when that is a group
 *   (as reported by a plugin tested on current Photoshop); createLayerGroup puts the group at the top of
 *   the document. Both make the new layer active.
 * - move(group, placeInside) puts the layer at the top of the group's contents.
 * - Pixels are stored as Photoshop holds them, at the document's depth (8-bit 0..255, 16-bit 0..32768,
 *   32-bit float 0..1) with straight alpha in the same units; masks too. (So a 24 MP 8-bit layer costs the fake
 *   96 MB, as in Photoshop, and large documents fit in a test or bench.)
 */
import type { PsDocument, PsLayer } from '../../src/host-bridge/photoshop/types.js';
import type { FakeQuirks } from './quirks.js';

export type DocMode = 'RGBColorMode' | 'grayscaleMode' | 'labColorMode' | 'CMYKColorMode' | 'indexedColorMode';
export type LayerKindName = 'pixel' | 'group' | 'smartObject' | 'text' | 'solidColor' | 'curves';

export interface LayerData {
  id: number;
  name: string;
  kind: LayerKindName;
  visible: boolean;
  isBackground: boolean;
  opacity: number;
  locked: boolean;
  /** Canvas-sized RGBA at the document's depth (grayscale documents keep R = G = B). Null for non-pixel layers. */
  rgba: Samples | null;
  /** Canvas-sized user mask at the document's depth, or null. */
  mask: Samples | null;
  /** Group contents, top first; null for non-groups. */
  children: LayerData[] | null;
}

export interface DocData {
  id: number;
  name: string;
  width: number;
  height: number;
  mode: DocMode;
  bits: 8 | 16 | 32;
  /** The document's colour profile (an empty imaging profile means this one). */
  profile: string;
  layers: LayerData[];
  activeIds: number[];
}

export interface FakeLayerInit {
  name: string;
  kind?: LayerKindName;
  visible?: boolean;
  isBackground?: boolean;
  locked?: boolean;
  /** Content rectangle (layers smaller than the canvas); default the whole canvas. */
  bounds?: { left: number; top: number; right: number; bottom: number };
  /** Chunky pixels covering `bounds`: 3 (RGB) or 1 (gray) components at the document depth (16-bit: 0..32768). */
  pixels?: Uint8Array | Uint16Array;
  /** Opacity per pixel covering `bounds`, 0..255 (0 = transparent, as Auto-Align leaves the edges); default opaque. */
  alpha?: Uint8Array;
  children?: FakeLayerInit[];
}

export interface FakeDocumentInit {
  width: number;
  height: number;
  mode?: DocMode;
  bits?: 8 | 16 | 32;
  name?: string;
  /** Top of the stack first, as Photoshop lists them. */
  layers: FakeLayerInit[];
}

export function fullScale(bits: number): number {
  return bits === 16 ? 32768 : bits === 8 ? 255 : 1;
}

/** Stored samples: 8-bit, 16-bit (0..32768) or 32-bit float, as the document's depth says. */
export type Samples = Uint8Array | Uint16Array | Float32Array;

/** Zeroed storage for `length` samples at a document depth. */
export function samples(bits: number, length: number): Samples {
  return bits === 8 ? new Uint8Array(length) : bits === 16 ? new Uint16Array(length) : new Float32Array(length);
}

/** A fraction of full scale (0..1) as stored at a document depth. */
export function stored(fraction: number, bits: number): number {
  return bits === 32 ? fraction : Math.round(fraction * fullScale(bits));
}

/** Colour profiles the fake knows: documents get the first of their kind; masks need a gray one. */
export const RGB_PROFILE = 'sRGB IEC61966-2.1';
export const GRAY_PROFILES = ['Dot Gain 20%', 'Gray Gamma 2.2', 'Gray Gamma 1.8', 'Generic Gray Profile', 'Dot Gain 15%', 'Dot Gain 25%'];

export function walk(layers: LayerData[], visit: (layer: LayerData, parent: LayerData | null) => void, parent: LayerData | null = null): void {
  for (const l of layers) {
    visit(l, parent);
    if (l.children) walk(l.children, visit, l);
  }
}

export function findData(doc: DocData, id: number): { layer: LayerData; siblings: LayerData[]; parent: LayerData | null } | undefined {
  let found: { layer: LayerData; siblings: LayerData[]; parent: LayerData | null } | undefined;
  const search = (list: LayerData[], parent: LayerData | null) => {
    for (const l of list) {
      if (l.id === id) found = { layer: l, siblings: list, parent };
      if (l.children) search(l.children, l);
    }
  };
  search(doc.layers, null);
  return found;
}

export type Bounds = { left: number; top: number; right: number; bottom: number };

/**
 * Bounding box (half-open) of a pixel layer's non-transparent pixels within `region` (default the canvas),
 * or undefined when there are none: what Photoshop trims reads to.
 */
export function contentBounds(doc: DocData, layer: LayerData, region: Bounds = { left: 0, top: 0, right: doc.width, bottom: doc.height }): Bounds | undefined {
  if (!layer.rgba) return undefined;
  const r = { left: Math.max(0, region.left), top: Math.max(0, region.top), right: Math.min(doc.width, region.right), bottom: Math.min(doc.height, region.bottom) };
  if (r.right <= r.left || r.bottom <= r.top) return undefined;
  if (layer.isBackground) return r;
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (let y = r.top; y < r.bottom; y++) {
    for (let x = r.left; x < r.right; x++) {
      if (layer.rgba[(y * doc.width + x) * 4 + 3]! > 0) {
        left = Math.min(left, x); right = Math.max(right, x + 1);
        top = Math.min(top, y); bottom = Math.max(bottom, y + 1);
      }
    }
  }
  return left === Infinity ? undefined : { left, top, right, bottom };
}

export function buildDoc(id: number, init: FakeDocumentInit, nextId: () => number): DocData {
  const width = init.width, height = init.height;
  const bits = init.bits ?? 8;
  const gray = init.mode === 'grayscaleMode';
  const build = (l: FakeLayerInit): LayerData => {
    const kind = l.kind ?? (l.children ? 'group' : 'pixel');
    let rgba: Samples | null = null;
    if (kind === 'pixel') {
      rgba = samples(bits, width * height * 4);
      const b = l.bounds ?? { left: 0, top: 0, right: width, bottom: height };
      const bw = b.right - b.left;
      const C = gray ? 1 : 3;
      if (l.pixels) {
        if (l.pixels.length !== bw * (b.bottom - b.top) * C) throw new Error(`fake: layer "${l.name}" pixels do not match its bounds`);
        for (let y = b.top; y < b.bottom; y++) {
          for (let x = b.left; x < b.right; x++) {
            const s = ((y - b.top) * bw + (x - b.left)) * C;
            const d = (y * width + x) * 4;
            for (let c = 0; c < 3; c++) rgba[d + c] = l.pixels[s + (gray ? 0 : c)]!;
            rgba[d + 3] = stored(l.alpha ? l.alpha[s / C]! / 255 : 1, bits);
          }
        }
      }
    }
    return {
      id: nextId(),
      name: l.name,
      kind,
      visible: l.visible ?? true,
      isBackground: l.isBackground ?? false,
      opacity: 1,
      locked: l.locked ?? false,
      rgba,
      mask: null,
      children: l.children ? l.children.map(build) : null,
    };
  };
  const mode = init.mode ?? 'RGBColorMode';
  return { id, name: init.name ?? `Untitled-${id}`, width, height, mode, bits, profile: gray ? GRAY_PROFILES[0]! : RGB_PROFILE, layers: init.layers.map(build), activeIds: [] };
}

/** A new document as File > New makes it: a white Background, or one empty layer when transparent. */
export function newDocData(id: number, options: { width: number; height: number; mode: DocMode; bits: 8 | 16 | 32; fill: 'white' | 'transparent'; name?: string }, nextId: () => number): DocData {
  const gray = options.mode === 'grayscaleMode';
  const n = options.width * options.height;
  const rgba = samples(options.bits, n * 4);
  if (options.fill === 'white') rgba.fill(fullScale(options.bits));
  const layer: LayerData = {
    id: nextId(), name: options.fill === 'white' ? 'Background' : 'Layer 1', kind: 'pixel', visible: true,
    isBackground: options.fill === 'white', opacity: 1, locked: false, rgba, mask: null, children: null,
  };
  return {
    id, name: options.name ?? `Untitled-${id}`, width: options.width, height: options.height, mode: options.mode, bits: options.bits,
    profile: gray ? GRAY_PROFILES[0]! : RGB_PROFILE, layers: [layer], activeIds: [layer.id],
  };
}

/** What the DOM wrappers need from the fake: the live data and the modal/cancel/history gate. */
export interface DomHost {
  readonly quirks: FakeQuirks;
  doc(id: number): DocData;
  closeDocument(id: number): void;
  /** Throws unless inside a modal scope (and not cancelled); records a history state when not suspended. */
  modify(docId: number, what: string): void;
  /** Throws when the current scope was cancelled; logs the call. */
  call(api: string, args: unknown): void;
  nextId(): number;
}

export class FakeLayer implements PsLayer {
  constructor(private readonly host: DomHost, private readonly docId: number, readonly id: number) {}

  private get data(): LayerData {
    const found = findData(this.host.doc(this.docId), this.id);
    if (!found) throw new Error(`fake: layer ${this.id} no longer exists`);
    return found.layer;
  }
  get name(): string { return this.data.name; }
  set name(value: string) {
    this.host.call('Layer.name', { id: this.id, value });
    this.host.modify(this.docId, 'Rename Layer');
    this.data.name = value;
  }
  get kind(): PsLayer['kind'] { return this.data.kind as PsLayer['kind']; }
  get visible(): boolean { return this.data.visible; }
  set visible(value: boolean) {
    this.host.call('Layer.visible', { id: this.id, value });
    this.host.modify(this.docId, value ? 'Show Layer' : 'Hide Layer');
    this.data.visible = value;
  }
  get isBackgroundLayer(): boolean { return this.data.isBackground; }
  get boundsNoEffects(): PsLayer['boundsNoEffects'] {
    const b = contentBounds(this.host.doc(this.docId), this.data) ?? { left: 0, top: 0, right: 0, bottom: 0 };
    return { ...b, width: b.right - b.left, height: b.bottom - b.top } as PsLayer['boundsNoEffects'];
  }
  get layers(): FakeLayer[] | null {
    return this.data.children ? listed(this.host, this.data.children.map((c) => new FakeLayer(this.host, this.docId, c.id))) : null;
  }
  move(relativeObject: PsLayer, insertLocation: string): void {
    this.host.call('Layer.move', { id: this.id, relative: relativeObject.id, insertLocation });
    this.host.modify(this.docId, 'Move Layer');
    const doc = this.host.doc(this.docId);
    const me = findData(doc, this.id)!;
    const target = findData(doc, relativeObject.id);
    if (!target) throw new Error('fake: move relative to a layer that does not exist');
    if (me.layer.isBackground) throw new Error('The background layer cannot be moved');
    me.siblings.splice(me.siblings.indexOf(me.layer), 1);
    if (insertLocation === 'placeInside') {
      if (!target.layer.children) throw new Error('placeInside needs a group');
      if (this.host.quirks.placeInsideAtBottom) target.layer.children.push(me.layer);
      else target.layer.children.unshift(me.layer);
    } else if (insertLocation === 'placeBefore' || insertLocation === 'placeAfter') {
      const at = target.siblings.indexOf(target.layer) + (insertLocation === 'placeAfter' ? 1 : 0);
      target.siblings.splice(at, 0, me.layer);
    } else {
      throw new Error(`fake: unsupported placement ${insertLocation}`);
    }
  }
}

export class FakeDocument implements PsDocument {
  constructor(private readonly host: DomHost, readonly id: number) {}
  private get data(): DocData { return this.host.doc(this.id); }
  get name(): string { return this.data.name; }
  get width(): number { return this.data.width; }
  get height(): number { return this.data.height; }
  get mode(): PsDocument['mode'] { return this.data.mode as PsDocument['mode']; }
  get bitsPerChannel(): PsDocument['bitsPerChannel'] { return `bitDepth${this.data.bits}` as PsDocument['bitsPerChannel']; }
  get layers(): FakeLayer[] { return listed(this.host, this.data.layers.map((l) => new FakeLayer(this.host, this.id, l.id))); }
  get activeLayers(): FakeLayer[] { return this.data.activeIds.map((id) => new FakeLayer(this.host, this.id, id)); }

  /**
   * Where a new layer lands: at the top of the stack, inside the top item when that is a group (pixel
   * layers only); with the newLayersAboveActive quirk, directly above the active layer, in its group.
   */
  private insert(layer: LayerData, intoTopGroup: boolean): FakeLayer {
    const doc = this.data;
    const active = doc.activeIds.length === 1 ? findData(doc, doc.activeIds[0]!) : undefined;
    if (this.host.quirks.newLayersAboveActive && active) {
      active.siblings.splice(active.siblings.indexOf(active.layer), 0, layer);
    } else if (intoTopGroup && doc.layers[0]?.children) {
      doc.layers[0].children.unshift(layer);
    } else {
      doc.layers.unshift(layer);
    }
    doc.activeIds = [layer.id];
    return new FakeLayer(this.host, this.id, layer.id);
  }
  async createPixelLayer(options: { name?: string } = {}): Promise<FakeLayer> {
    this.host.call('Document.createPixelLayer', options);
    this.host.modify(this.id, 'New Layer');
    const { width, height, bits } = this.data;
    return this.insert({ id: this.host.nextId(), name: options.name ?? 'Layer', kind: 'pixel', visible: true, isBackground: false, opacity: 1, locked: false, rgba: samples(bits, width * height * 4), mask: null, children: null }, true);
  }
  async createLayerGroup(options: { name?: string } = {}): Promise<FakeLayer> {
    this.host.call('Document.createLayerGroup', options);
    this.host.modify(this.id, 'New Group');
    return this.insert({ id: this.host.nextId(), name: options.name ?? 'Group', kind: 'group', visible: true, isBackground: false, opacity: 1, locked: false, rgba: null, mask: null, children: [] }, false);
  }
  closeWithoutSaving(): void {
    this.host.call('Document.closeWithoutSaving', { id: this.id });
    this.host.closeDocument(this.id);
  }
}

/** Layer lists as the DOM gives them: top first, or bottom first with the layersBottomFirst quirk. */
function listed(host: DomHost, layers: FakeLayer[]): FakeLayer[] {
  return host.quirks.layersBottomFirst ? layers.reverse() : layers;
}
