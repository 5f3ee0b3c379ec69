/**
 * A behavioural fake of Photoshop's UXP API for tests: an in-memory document with layers, pixels and masks,
 * imaging with Photoshop's semantics, modal scopes with history suspension, rollback and cancellation, and
 * a loud batchPlay that knows only the descriptors the adapter uses. Its `module` is typed as the adapter's
 * Photoshop interface, itself picked from @types/photoshop.
 *
 * Sources: ../shared/docs/photoshop-uxp.md (Adobe's imaging and executeAsModal docs). Choices the docs leave
 * open are listed in document.ts and at each function here; they are what a first run in real Photoshop
 * must check.
 */
import type { Photoshop, ExecutionContext, NewDocumentOptions } from '../../src/host-bridge/photoshop/types.js';
import {
  buildDoc, contentBounds, FakeDocument, findData, fullScale, GRAY_PROFILES, newDocData, RGB_PROFILE, samples, stored, walk,
  type Bounds, type DocData, type DocMode, type DomHost, type FakeDocumentInit, type LayerData, type Samples,
} from './document.js';
import { FakeImageData, ImageDataRegistry } from './image-data.js';
import type { FakeQuirks } from './quirks.js';

export type { FakeDocumentInit, FakeLayerInit } from './document.js';
export type { FakeQuirks, QuirkName } from './quirks.js';

interface Suspension { historySuspensionID: number; documentID: number; name: string; finalName?: string; before: DocData; open: boolean }

export interface ProgressReport { value?: number; commandName?: string }

export class FakePhotoshop implements DomHost {
  private docs: DocData[] = [];
  private activeDocId: number | null = null;
  private ids = 100;
  private readonly registry = new ImageDataRegistry();
  private readonly history = new Map<number, string[]>();
  private modalDepth = 0;
  private suspensions: Suspension[] = [];
  private cancelAfter: number | undefined;
  private scopeCalls = 0;
  private cancelled = false;
  private context: (ExecutionContext & { onCancel: (() => void) | undefined }) | undefined;
  private failPredicate: ((call: { api: string; args: unknown }) => boolean) | undefined;
  /** Another plugin holds the modal state: executeAsModal rejects with error number 9. */
  otherPluginModal = false;
  readonly calls: { api: string; args: unknown; modal: boolean }[] = [];
  private listeners: { events: string[]; listener: (event: string) => void }[] = [];
  private pendingEvents = new Set<string>();
  readonly progress: ProgressReport[] = [];
  readonly module: Photoshop;

  constructor(private readonly pyramidLevels = 8, readonly quirks: FakeQuirks = {}) {
    const self = this;
    this.module = {
      app: {
        get activeDocument() {
          return self.activeDocId === null ? null : new FakeDocument(self, self.activeDocId);
        },
        set activeDocument(doc) {
          self.call('app.activeDocument', { id: doc?.id });
          if (self.modalDepth === 0) throw new Error('Set activeDocument: this function is only allowed from inside the modal scope (core.executeAsModal)');
          if (!doc) throw new Error('activeDocument: a document is required');
          self.doc(doc.id);
          self.activeDocId = doc.id;
          self.notify('select');
        },
        documents: { add: async (options) => this.addDocument(options) },
      },
      core: { executeAsModal: (fn, options) => this.executeAsModal(fn, options) },
      action: {
        batchPlay: async (descriptors, options) => this.batchPlay(descriptors as Descriptor[], options),
        addNotificationListener: async (events, listener) => { this.listeners.push({ events, listener: listener as (event: string) => void }); },
        removeNotificationListener: async (_events, listener) => { this.listeners = this.listeners.filter((l) => l.listener !== listener); },
      },
      imaging: {
        getPixels: async (o) => this.getPixels(o),
        putPixels: async (o) => this.putPixels(o),
        getLayerMask: async (o) => this.getLayerMask(o),
        putLayerMask: async (o) => this.putLayerMask(o),
        createImageDataFromBuffer: async (data, o) => this.createImageData(data, o),
        encodeImageData: async (o) => this.encodeImageData(o),
      },
      constants: {
        ElementPlacement: { PLACEINSIDE: 'placeInside', PLACEBEFORE: 'placeBefore', PLACEAFTER: 'placeAfter' } as unknown as Photoshop['constants']['ElementPlacement'],
        NewDocumentMode: { RGB: 'RGBColorMode' } as unknown as Photoshop['constants']['NewDocumentMode'],
        DocumentFill: { WHITE: 'white', TRANSPARENT: 'transparent' } as unknown as Photoshop['constants']['DocumentFill'],
      },
    };
    // Photoshop before 24.4 has no imaging module.
    if (quirks.noImaging) delete (this.module as Partial<Photoshop>).imaging;
  }

  // ---- test controls -------------------------------------------------------------------------------

  openDocument(init: FakeDocumentInit): FakeDocument {
    const doc = buildDoc(this.ids++, init, () => this.ids++);
    this.docs.push(doc);
    this.activeDocId = doc.id;
    this.history.set(doc.id, ['Open']);
    this.notify('open');
    return new FakeDocument(this, doc.id);
  }
  closeAll(): void {
    this.docs = [];
    this.activeDocId = null;
  }
  /** Ids of the open documents, in opening order. */
  documentIds(): number[] {
    return this.docs.map((d) => d.id);
  }
  liveImageData(): number {
    return this.registry.live;
  }
  historyStates(docId = this.activeDocId!): string[] {
    return [...(this.history.get(docId) ?? [])];
  }
  /** Deep copy of the document's state, for toEqual comparisons. */
  snapshot(docId = this.activeDocId!): DocData {
    return structuredClone(this.doc(docId));
  }
  /** Simulates the user pressing Cancel after `afterCalls` more Photoshop API calls in the next modal scope. */
  cancelNextModal(afterCalls: number): void {
    this.cancelAfter = afterCalls;
  }
  /** Makes the first matching call throw, as a failing Photoshop command would. */
  failOn(predicate: (call: { api: string; args: unknown }) => boolean): void {
    this.failPredicate = predicate;
  }

  /**
   * What the user sees: visible layers bottom to top, each through its alpha, user mask and opacity with
   * normal blending, over white (Photoshop shows transparency as a checkerboard; tests use opaque stacks).
   * Groups pass through and hide their contents when hidden. Returns RGB floats 0..1.
   */
  render(docId = this.activeDocId!): { width: number; height: number; data: Float32Array } {
    const doc = this.doc(docId);
    const n = doc.width * doc.height;
    const full = fullScale(doc.bits);
    const out = new Float32Array(n * 3).fill(1);
    const paint = (layers: LayerData[]) => {
      for (let i = layers.length - 1; i >= 0; i--) {
        const l = layers[i]!;
        if (!l.visible) continue;
        if (l.children) paint(l.children);
        if (!l.rgba) continue;
        for (let p = 0; p < n; p++) {
          const a = (l.rgba[p * 4 + 3]! / full) * (l.mask ? l.mask[p]! / full : 1) * l.opacity;
          for (let c = 0; c < 3; c++) out[p * 3 + c] = (a * l.rgba[p * 4 + c]!) / full + (1 - a) * out[p * 3 + c]!;
        }
      }
    };
    paint(doc.layers);
    return { width: doc.width, height: doc.height, data: out };
  }

  /** The user selects layers in the Layers panel. */
  selectLayers(names: string[], docId = this.activeDocId!): void {
    this.doc(docId).activeIds = names.map((n) => {
      const layer = this.findLayerByName(n, docId);
      if (!layer) throw new Error(`fake: no layer named ${n}`);
      return layer.id;
    });
  }

  findLayerByName(name: string, docId = this.activeDocId!): LayerData | undefined {
    let found: LayerData | undefined;
    walk(this.doc(docId).layers, (l) => { if (l.name === name) found = l; });
    return found;
  }

  // ---- DomHost ------------------------------------------------------------------------------------------

  doc(id: number): DocData {
    const doc = this.docs.find((d) => d.id === id);
    if (!doc) throw new Error(`fake: no document ${id}`);
    return doc;
  }
  nextId(): number {
    return this.ids++;
  }
  closeDocument(id: number): void {
    if (this.modalDepth === 0) throw new Error('Close: this function is only allowed from inside the modal scope (core.executeAsModal)');
    this.doc(id);
    this.docs = this.docs.filter((d) => d.id !== id);
    this.history.delete(id);
    if (this.activeDocId === id) this.activeDocId = this.docs.at(-1)?.id ?? null;
    this.notify('close');
  }
  /**
   * Reads of document pixels happen inside a modal scope in every Adobe sample and working plugin; the fake
   * refuses them outside one (unless the readsOutsideModal quirk says this Photoshop allows it).
   */
  private requireModalRead(api: string): void {
    if (this.modalDepth === 0 && !this.quirks.readsOutsideModal) throw new Error(`${api}: this function is only allowed from inside the modal scope (core.executeAsModal)`);
  }
  /** Full scale of image data at a depth (the sixteenBitFullRange quirk breaks Photoshop's documented 32768). */
  private scale(bits: number): number {
    return bits === 16 ? (this.quirks.sixteenBitFullRange ? 65535 : 32768) : bits === 8 ? 255 : 1;
  }
  call(api: string, args: unknown): void {
    this.calls.push({ api, args, modal: this.modalDepth > 0 });
    if (this.modalDepth > 0) {
      if (this.cancelled) throw new Error('Event processing was cancelled');
      this.scopeCalls++;
      if (this.cancelAfter !== undefined && this.scopeCalls > this.cancelAfter) {
        this.cancelAfter = undefined;
        this.cancelled = true;
        this.context?.onCancel?.();
        throw new Error('Event processing was cancelled');
      }
    }
    if (this.failPredicate?.({ api, args })) {
      this.failPredicate = undefined;
      throw new Error(`Photoshop: the command "${api}" is not currently available (injected failure)`);
    }
  }
  modify(docId: number, what: string): void {
    if (this.modalDepth === 0) throw new Error(`${what}: this function is only allowed from inside the modal scope (core.executeAsModal)`);
    if (this.cancelled) throw new Error('Event processing was cancelled');
    if (!this.suspensions.some((s) => s.open && s.documentID === docId)) this.history.get(docId)!.push(what);
    this.notify('set');
  }

  /**
   * Photoshop notifies listeners after a command; during a (non-interactive) modal scope notifications are
   * silenced, so the fake delivers them once the scope ends.
   */
  private notify(event: string): void {
    this.pendingEvents.add(event);
    if (this.modalDepth === 0) setTimeout(() => this.flushEvents(), 0);
  }
  private flushEvents(): void {
    if (this.modalDepth > 0) return;
    const events = [...this.pendingEvents];
    this.pendingEvents.clear();
    for (const event of events) for (const l of this.listeners) if (l.events.includes(event)) l.listener(event);
  }

  // ---- core -----------------------------------------------------------------------------------------

  private async executeAsModal<T>(fn: (ctx: ExecutionContext, descriptor?: object) => Promise<T>, options: { commandName: string; descriptor?: object }): Promise<T> {
    if (!options?.commandName) throw new Error('executeAsModal: commandName is required');
    if (this.otherPluginModal) throw Object.assign(new Error('host is in a modal state'), { number: 9 });
    // Calls while a scope is open come from inside it (tests run one plugin): nested scopes share state.
    const outer = this.modalDepth === 0;
    if (outer) {
      this.scopeCalls = 0;
      this.cancelled = false;
    }
    this.modalDepth++;
    const self = this;
    const ctx = {
      get isCancelled() { return self.cancelled; },
      onCancel: undefined as (() => void) | undefined,
      reportProgress: (p: ProgressReport) => {
        if (p.value !== undefined && !(p.value >= 0 && p.value <= 1)) throw new Error(`reportProgress: value ${p.value} is outside 0..1`);
        this.progress.push(p);
      },
      hostControl: {
        suspendHistory: async ({ documentID, name }: { documentID: number; name: string }) => {
          this.call('suspendHistory', { documentID, name });
          const s: Suspension = { historySuspensionID: this.ids++, documentID, name, before: structuredClone(this.doc(documentID)), open: true };
          this.suspensions.push(s);
          return s;
        },
        resumeHistory: async (suspension: { historySuspensionID: number; finalName?: string }, commit = true) => {
          const s = this.suspensions.find((x) => x.historySuspensionID === suspension.historySuspensionID && x.open);
          if (!s) throw new Error('resumeHistory: unknown or closed suspension');
          if (this.cancelled && commit) throw new Error('Event processing was cancelled');
          this.close(s, commit, suspension.finalName);
        },
        registerAutoCloseDocument: async () => undefined,
        unregisterAutoCloseDocument: async () => undefined,
      },
    };
    if (outer) this.context = ctx as never;
    try {
      const result = await fn(ctx as unknown as ExecutionContext, options.descriptor);
      // Photoshop commits open suspensions when the target returns normally…
      if (outer) for (const s of this.suspensions.filter((x) => x.open)) this.close(s, !this.cancelled);
      return result;
    } catch (error) {
      // …and rolls them back when it throws…
      if (outer) for (const s of this.suspensions.filter((x) => x.open)) this.close(s, Boolean(this.quirks.noRollback));
      // …and the caller gets a plain value: the error's class does not survive the crossing.
      if (this.quirks.errorsKeepClass) throw error;
      throw { message: String((error as Error)?.message ?? error) };
    } finally {
      this.modalDepth--;
      if (outer) {
        setTimeout(() => this.flushEvents(), 0);
        this.context = undefined;
        this.suspensions = this.suspensions.filter((x) => x.open);
      }
    }
  }

  private close(s: Suspension, commit: boolean, finalName?: string): void {
    s.open = false;
    const index = this.docs.findIndex((d) => d.id === s.documentID);
    if (!commit) {
      this.docs[index] = structuredClone(s.before);
      return;
    }
    const changed = !equalDocs(s.before, this.docs[index]!);
    if (changed) this.history.get(s.documentID)!.push(finalName ?? s.name);
  }

  // ---- documents ----------------------------------------------------------------------------------------

  /** File > New inside a modal scope: the new document becomes the active one. */
  private async addDocument(o: NewDocumentOptions): Promise<FakeDocument> {
    this.call('documents.add', o);
    if (this.modalDepth === 0) throw new Error('New document: this function is only allowed from inside the modal scope (core.executeAsModal)');
    const doc = newDocData(this.ids++, { width: o.width, height: o.height, mode: String(o.mode) as DocMode, bits: o.depth, fill: String(o.fill) === 'transparent' ? 'transparent' : 'white', ...(o.name ? { name: o.name } : {}) }, () => this.ids++);
    this.docs.push(doc);
    this.activeDocId = doc.id;
    this.history.set(doc.id, ['New']);
    this.notify('make');
    return new FakeDocument(this, doc.id);
  }

  // ---- imaging ------------------------------------------------------------------------------------------

  private layerFor(docId: number | undefined, layerID: number): { doc: DocData; layer: LayerData } {
    const doc = this.doc(docId ?? this.activeDocId!);
    const found = findData(doc, layerID);
    if (!found) throw new Error(`Layer with id ${layerID} not found`);
    return { doc, layer: found.layer };
  }

  private checkImagingMode(doc: DocData): void {
    if (!['RGBColorMode', 'grayscaleMode', 'labColorMode'].includes(doc.mode)) throw new Error(`Imaging is not supported in ${doc.mode}`);
  }

  /**
   * Layer reads are trimmed to the pixels that hold data (alpha > 0) within the request, and a request
   * with no data comes back with empty bounds and 0×0 image data. RGB reads of normal layers carry alpha
   * (4 components), the Background none; Grayscale reads never do (1 component). 16-bit is 0..32768.
   * targetSize picks the smallest cached pyramid level (halvings, box-averaged) still at least the
   * requested size, and bounds are reported in that level's coordinates. colorSpace converts between RGB
   * and Grayscale (luminance).
   */
  private async getPixels(o: Parameters<Photoshop['imaging']['getPixels']>[0]) {
    this.call('imaging.getPixels', o);
    this.requireModalRead('getPixels');
    const docId = o.documentID ?? this.activeDocId!;
    const doc = this.doc(docId);
    this.checkImagingMode(doc);
    const docGray = doc.mode === 'grayscaleMode';
    const space = o.colorSpace ?? (docGray ? 'Grayscale' : 'RGB');
    if (space !== 'RGB' && space !== 'Grayscale') throw new Error(`fake: colorSpace ${space} is not modelled`);
    const canvas = { left: 0, top: 0, right: doc.width, bottom: doc.height };
    const requested = o.sourceBounds ? intersectBounds(canvas, toBounds(o.sourceBounds)) : canvas;
    let rgba: Samples;
    /** Full scale of `rgba`: the document's, or 1 for the rendered and matted floats. */
    let unit = fullScale(doc.bits);
    let region: Bounds | undefined;
    let alpha: boolean;
    if (o.layerID === undefined) {
      const view = this.render(docId);
      unit = 1;
      rgba = new Float32Array(doc.width * doc.height * 4);
      for (let p = 0; p < doc.width * doc.height; p++) {
        for (let c = 0; c < 3; c++) rgba[p * 4 + c] = view.data[p * 3 + c]!;
        rgba[p * 4 + 3] = 1;
      }
      region = requested.right > requested.left && requested.bottom > requested.top ? requested : undefined;
      alpha = false;
    } else {
      const { layer } = this.layerFor(docId, o.layerID);
      if (!layer.rgba) throw new Error(`Layer "${layer.name}" has no pixels (${layer.kind})`);
      rgba = layer.rgba;
      region = contentBounds(doc, layer, this.quirks.targetSizeWholeLayer && o.targetSize ? canvas : requested);
      alpha = !layer.isBackground && space === 'RGB' && !this.quirks.readsWithoutAlpha;
      if (o.applyAlpha && !layer.isBackground) {
        // Matte on white, three components (empty edges are still trimmed).
        const matted = new Float32Array(rgba.length);
        for (let p = 0; p < doc.width * doc.height; p++) {
          const a = rgba[p * 4 + 3]! / unit;
          for (let c = 0; c < 3; c++) matted[p * 4 + c] = (a * rgba[p * 4 + c]!) / unit + (1 - a);
          matted[p * 4 + 3] = 1;
        }
        rgba = matted;
        unit = 1;
        alpha = false;
      }
    }
    const bits = o.componentSize === undefined || o.componentSize === -1 ? doc.bits : o.componentSize;
    const colour = space === 'Grayscale' ? 1 : 3;
    const C = colour + (alpha ? 1 : 0);
    const profile = o.colorProfile ?? ((space === 'Grayscale') === docGray ? doc.profile : space === 'Grayscale' ? GRAY_PROFILES[0]! : RGB_PROFILE);
    if (!region) {
      const empty = { left: requested.left, top: requested.top, right: requested.left, bottom: requested.top };
      const none = bits === 8 ? new Uint8Array(0) : bits === 16 ? new Uint16Array(0) : new Float32Array(0);
      return { imageData: new FakeImageData(this.registry, 0, 0, C, space, none, profile), sourceBounds: empty, level: 0 } as unknown as Awaited<ReturnType<Photoshop['imaging']['getPixels']>>;
    }
    let level = 0;
    const tw = o.targetSize?.width, th = o.targetSize?.height;
    while (level < this.pyramidLevels) {
      const s = 2 ** (level + 1);
      const w = (region.right - region.left) / s, h = (region.bottom - region.top) / s;
      if ((tw !== undefined && w < tw) || (th !== undefined && h < th) || (tw === undefined && th === undefined)) break;
      level++;
    }
    const f = 2 ** level;
    const lb = { left: Math.floor(region.left / f), top: Math.floor(region.top / f), right: Math.ceil(region.right / f), bottom: Math.ceil(region.bottom / f) };
    const w = lb.right - lb.left, h = lb.bottom - lb.top;
    const scale = this.scale(bits);
    const out = bits === 8 ? new Uint8Array(w * h * C) : bits === 16 ? new Uint16Array(w * h * C) : new Float32Array(w * h * C);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const acc = [0, 0, 0, 0];
        let count = 0;
        for (let yy = (lb.top + y) * f; yy < Math.min(region.bottom, (lb.top + y + 1) * f); yy++) {
          for (let xx = (lb.left + x) * f; xx < Math.min(region.right, (lb.left + x + 1) * f); xx++) {
            if (yy < region.top || xx < region.left) continue;
            for (let c = 0; c < 4; c++) acc[c]! += rgba[(yy * doc.width + xx) * 4 + c]!;
            count++;
          }
        }
        const d = (y * w + x) * C;
        const n = count * unit;
        if (colour === 1) out[d] = quantize((docGray ? acc[0]! : 0.299 * acc[0]! + 0.587 * acc[1]! + 0.114 * acc[2]!) / n, scale, bits);
        else for (let c = 0; c < 3; c++) out[d + c] = quantize(acc[c]! / n, scale, bits);
        if (alpha) out[d + colour] = quantize(acc[3]! / n, scale, bits);
      }
    }
    const imageData = new FakeImageData(this.registry, w, h, C, space, out, profile);
    return { imageData, sourceBounds: lb, level } as unknown as Awaited<ReturnType<Photoshop['imaging']['getPixels']>>;
  }

  private writableLayer(docId: number | undefined, layerID: number, api: string): { doc: DocData; layer: LayerData } {
    const target = this.layerFor(docId, layerID);
    this.modify(target.doc.id, api);
    if (target.layer.kind !== 'pixel' || !target.layer.rgba) throw new Error(`${api}: layer "${target.layer.name}" is not a pixel layer`);
    if (target.layer.locked) throw new Error(`${api}: layer "${target.layer.name}" is locked`);
    return target;
  }

  private checkData(doc: DocData, imageData: unknown, components: number[]): FakeImageData {
    if (!(imageData instanceof FakeImageData)) throw new Error('imageData is not a PhotoshopImageData');
    imageData.assertAlive();
    if (!components.includes(imageData.components)) throw new Error(`Expected ${components.join(' or ')} components, got ${imageData.components}`);
    if (imageData.componentSize !== doc.bits) throw new Error(`Image data is ${imageData.componentSize}-bit but the document is ${doc.bits}-bit`);
    return imageData;
  }

  /** The profile data is in: its own, or (empty) the target document's, as documented. */
  private effectiveProfile(doc: DocData, data: FakeImageData): string {
    return data.colorProfile || doc.profile;
  }

  /** replace (default true) clears the layer first; written pixels become opaque unless the data has alpha. */
  private async putPixels(o: Parameters<Photoshop['imaging']['putPixels']>[0]): Promise<void> {
    this.call('imaging.putPixels', o);
    const { doc, layer } = this.writableLayer(o.documentID, o.layerID, 'putPixels');
    const gray = doc.mode === 'grayscaleMode';
    const data = this.checkData(doc, o.imageData, gray ? [1, 2] : [3, 4]);
    if ((data.colorSpace === 'Grayscale') !== gray) throw new Error(`Image data is ${data.colorSpace} but the document is ${doc.mode}`);
    if (GRAY_PROFILES.includes(this.effectiveProfile(doc, data)) !== gray) throw new Error(`putPixels: profile "${this.effectiveProfile(doc, data)}" does not fit ${data.colorSpace} data`);
    const rgba = layer.rgba!;
    if (o.replace ?? true) rgba.fill(0);
    const left = o.targetBounds?.left ?? 0, top = o.targetBounds?.top ?? 0;
    const colour = gray ? 1 : 3;
    const scale = this.scale(doc.bits);
    const opaque = fullScale(doc.bits);
    for (let y = 0; y < data.height; y++) {
      for (let x = 0; x < data.width; x++) {
        const X = left + x, Y = top + y;
        if (X < 0 || Y < 0 || X >= doc.width || Y >= doc.height) continue;
        const s = (y * data.width + x) * data.components;
        const d = (Y * doc.width + X) * 4;
        for (let c = 0; c < 3; c++) rgba[d + c] = stored(Math.min(1, data.samples[s + (gray ? 0 : c)]! / scale), doc.bits);
        rgba[d + 3] = data.components > colour ? stored(Math.min(1, data.samples[s + colour]! / scale), doc.bits) : opaque;
      }
    }
  }

  private async getLayerMask(o: Parameters<Photoshop['imaging']['getLayerMask']>[0]) {
    this.call('imaging.getLayerMask', o);
    this.requireModalRead('getLayerMask');
    const { doc, layer } = this.layerFor(o.documentID, o.layerID);
    if (!layer.mask) throw new Error(`Layer "${layer.name}" has no user mask`);
    const b = intersectBounds({ left: 0, top: 0, right: doc.width, bottom: doc.height }, o.sourceBounds ? toBounds(o.sourceBounds) : { left: 0, top: 0, right: doc.width, bottom: doc.height });
    const w = b.right - b.left, h = b.bottom - b.top;
    if (w <= 0 || h <= 0) throw new Error('The requested area holds no pixels');
    const scale = this.scale(doc.bits) / fullScale(doc.bits);
    const data = doc.bits === 16 ? new Uint16Array(w * h) : new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = Math.round(layer.mask[(b.top + y) * doc.width + b.left + x]! * scale);
    const imageData = new FakeImageData(this.registry, w, h, 1, 'Grayscale', data, 'Gray Gamma 2.2');
    return { imageData, sourceBounds: b } as unknown as Awaited<ReturnType<Photoshop['imaging']['getLayerMask']>>;
  }

  /**
   * Creates the user mask when the layer has none (Adobe's imaging sample relies on this), white outside
   * the written area; replace (default true) resets an existing mask to white first. Background: refused.
   * Mask data must be one Grayscale component in a gray profile: the docs ask for "Gray Gamma 2.2", and
   * an empty profile would mean the document's (RGB) profile.
   */
  private async putLayerMask(o: Parameters<Photoshop['imaging']['putLayerMask']>[0]): Promise<void> {
    this.call('imaging.putLayerMask', o);
    const { doc, layer } = this.layerFor(o.documentID, o.layerID);
    this.modify(doc.id, 'putLayerMask');
    if (layer.isBackground) throw new Error('Cannot add Layer Mask to Background layer');
    if (o.kind !== undefined && o.kind !== 'user') throw new Error(`putLayerMask: kind must be "user"`);
    const data = this.checkData(doc, o.imageData, [1]);
    const profile = this.effectiveProfile(doc, data);
    if (data.colorSpace !== 'Grayscale' || !GRAY_PROFILES.includes(profile)) {
      throw new Error(`putLayerMask: mask data must be Grayscale in a gray profile such as "Gray Gamma 2.2"; got ${data.colorSpace} in "${profile}"`);
    }
    const reset = !layer.mask || (o.replace ?? true);
    if (reset || this.quirks.maskWritesResetMask) layer.mask = samples(doc.bits, doc.width * doc.height).fill(reset ? fullScale(doc.bits) : 0);
    const mask = layer.mask!;
    const left = o.targetBounds?.left ?? 0, top = o.targetBounds?.top ?? 0;
    const scale = this.scale(doc.bits);
    for (let y = 0; y < data.height; y++) {
      for (let x = 0; x < data.width; x++) {
        const X = left + x, Y = top + y;
        if (X < 0 || Y < 0 || X >= doc.width || Y >= doc.height) continue;
        mask[Y * doc.width + X] = stored(data.samples[y * data.width + x]! / scale, doc.bits);
      }
    }
  }

  /** 16-bit input must be in 0..32768 unless fullRange (then it is scaled down). */
  private async createImageData(data: Uint8Array | Uint16Array | Float32Array, o: Parameters<Photoshop['imaging']['createImageDataFromBuffer']>[1]) {
    this.call('imaging.createImageDataFromBuffer', { width: o.width, height: o.height, components: o.components, colorSpace: o.colorSpace, colorProfile: o.colorProfile });
    if (data.length !== o.width * o.height * o.components) throw new Error(`createImageDataFromBuffer: ${data.length} elements for ${o.width}x${o.height}x${o.components}`);
    let samples = data.slice();
    if (samples instanceof Uint16Array) {
      const max = this.scale(16);
      if (o.fullRange) samples = samples.map((v) => Math.round((v * max) / 65535));
      else if (samples.some((v) => v > max)) throw new Error(`createImageDataFromBuffer: 16-bit values must be within 0..${max} (or pass fullRange)`);
    }
    if (o.chunky === false) throw new Error('fake: planar input is not modelled');
    return new FakeImageData(this.registry, o.width, o.height, o.components, o.colorSpace as 'RGB' | 'Grayscale', samples, o.colorProfile ?? '');
  }

  /**
   * Photoshop returns JPEG bytes; the fake returns an uncompressed BMP of the same pixels (browsers sniff
   * the format, so a data: URL still shows the picture in the browser harness). RGB data only, as documented.
   */
  private async encodeImageData(o: Parameters<Photoshop['imaging']['encodeImageData']>[0]): Promise<number[] | string> {
    this.call('imaging.encodeImageData', { base64: o.base64 });
    const data = o.imageData as unknown as FakeImageData;
    data.assertAlive();
    if (data.colorSpace !== 'RGB') throw new Error('encodeImageData: image data must be RGB');
    const bytes = bmp(data);
    if (!o.base64) return Array.from(bytes);
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  }

  // ---- action -----------------------------------------------------------------------------------------

  private async batchPlay(descriptors: Descriptor[], _options: unknown): Promise<{ _obj: string; [key: string]: unknown }[]> {
    const results: { _obj: string; [key: string]: unknown }[] = [];
    for (const d of descriptors) {
      this.call(`batchPlay.${d._obj}`, d);
      const doc = this.doc(this.activeDocId!);
      if (d._obj === 'select' && d._target?.[0]?._ref === 'layer' && typeof d._target[0]._id === 'number') {
        this.modify(doc.id, 'Select Layer');
        if (!findData(doc, d._target[0]._id)) { results.push({ _obj: 'error', message: 'The object “layer” is not currently available.', result: -25920 }); continue; }
        doc.activeIds = [d._target[0]._id];
        results.push({ _obj: d._obj });
      } else if (d._obj === 'make' && d.new?._class === 'channel' && d.at?._value === 'mask' && d.using?._enum === 'userMaskEnabled') {
        this.modify(doc.id, 'Add Layer Mask');
        const layer = doc.activeIds.length === 1 ? findData(doc, doc.activeIds[0]!)?.layer : undefined;
        if (!layer || layer.isBackground || layer.mask || layer.kind !== 'pixel') {
          results.push({ _obj: 'error', message: 'The command “Make” is not currently available.', result: -25920 });
          continue;
        }
        layer.mask = samples(doc.bits, doc.width * doc.height).fill(d.using._value === 'hideAll' ? 0 : fullScale(doc.bits));
        results.push({ _obj: d._obj });
      } else if ((d._obj === 'hide' || d._obj === 'show') && (d.null ?? d._target)?.[0]?._ref === 'layer') {
        const id = (d.null ?? d._target)![0]!._id!;
        this.modify(doc.id, d._obj === 'hide' ? 'Hide Layer' : 'Show Layer');
        const found = findData(doc, id);
        if (!found) throw new Error(`batchPlay: no layer ${id}`);
        found.layer.visible = d._obj === 'show';
        results.push({ _obj: d._obj });
      } else {
        throw new Error(`fake batchPlay: unsupported descriptor ${JSON.stringify(d)}`);
      }
    }
    return results;
  }
}

interface Reference { _ref: string; _id?: number; _enum?: string; _value?: string }
interface Descriptor {
  _obj: string;
  _target?: Reference[];
  null?: Reference[];
  new?: { _class: string };
  at?: Reference;
  using?: { _enum: string; _value: string };
}

export function createFakePhotoshop(options: { pyramidLevels?: number; quirks?: FakeQuirks } = {}): FakePhotoshop {
  return new FakePhotoshop(options.pyramidLevels ?? 8, options.quirks ?? {});
}

function toBounds(b: { left: number; top: number; right?: number; bottom?: number; width?: number; height?: number }): Bounds {
  return { left: b.left, top: b.top, right: b.right ?? b.left + (b.width ?? 0), bottom: b.bottom ?? b.top + (b.height ?? 0) };
}

function intersectBounds(a: Bounds, b: Bounds): Bounds {
  return { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
}

function quantize(v: number, scale: number, bits: number): number {
  return bits === 32 ? v : Math.round(v * scale);
}

/** Whether two document states are the same (layer tree, properties and every pixel). */
function equalDocs(a: DocData, b: DocData): boolean {
  const sameArray = (x: Samples | null, y: Samples | null) => x === y || (x !== null && y !== null && x.length === y.length && x.every((v, i) => v === y[i]));
  const sameLayers = (x: LayerData[], y: LayerData[]): boolean => x.length === y.length && x.every((l, i) => {
    const m = y[i]!;
    return l.id === m.id && l.name === m.name && l.kind === m.kind && l.visible === m.visible && l.isBackground === m.isBackground
      && l.opacity === m.opacity && l.locked === m.locked && sameArray(l.rgba, m.rgba) && sameArray(l.mask, m.mask)
      && (l.children === m.children || (l.children !== null && m.children !== null && sameLayers(l.children, m.children)));
  });
  return a.name === b.name && a.width === b.width && a.height === b.height && a.mode === b.mode && a.bits === b.bits
    && JSON.stringify(a.activeIds) === JSON.stringify(b.activeIds) && sameLayers(a.layers, b.layers);
}

/** A 24-bit bottom-up BMP of 8-bit (or scaled 16-bit) RGB image data. */
function bmp(data: FakeImageData): Uint8Array {
  const { width: w, height: h, components: C } = data;
  const row = Math.ceil((w * 3) / 4) * 4;
  const out = new Uint8Array(54 + row * h);
  const view = new DataView(out.buffer);
  out[0] = 0x42; out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, w, true);
  view.setInt32(22, h, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  const scale = data.componentSize === 16 ? 255 / 32768 : 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * C;
      const d = 54 + (h - 1 - y) * row + x * 3;
      out[d] = Math.round(data.samples[s + 2]! * scale);
      out[d + 1] = Math.round(data.samples[s + 1]! * scale);
      out[d + 2] = Math.round(data.samples[s]! * scale);
    }
  }
  return out;
}
