import { describe, expect, it } from 'vitest';
import { stackFrames } from '../src/engine/pipeline.js';
import type { StackInfo } from '../src/engine/types.js';
import { CancelledError, InputError, OptionError } from '../src/host-bridge/index.js';
import { documentGrowth, LARGE_GROWTH_BYTES, PhotoshopHost, recomposite, setSourcesVisible, ThumbnailCache } from '../src/host-bridge/photoshop/index.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { createFakePhotoshop, type FakePhotoshop } from './fake-photoshop/index.js';
import { MemoryFrameSource, MemorySink } from './helpers/memory-host.js';
import { layersFromFrames, realDocument, syntheticDocument, type LayeredStack } from './helpers/photoshop-fixtures.js';

const kernels = () => loadNodeKernels();
const RESULT_GROUP = /^Planewise focus stack/;

/** The engine run directly on the same frames: the reference the document must match. */
async function engineComposite(stack: LayeredStack, bits: 8 | 16, mode: 'depthmap' | 'pyramid') {
  const info: StackInfo = { width: stack.width, height: stack.height, channels: 3, bitDepth: bits, frames: stack.frames.map((_, i) => ({ name: `f${i}` })) };
  const source = new MemoryFrameSource(info, stack.frames);
  // Photoshop's 16-bit data is 0..32768; the memory source must report the same full scale.
  if (bits === 16) (source as unknown as { read: MemoryFrameSource['read'] }).read = wrapMax(source, 32768);
  const sink = new MemorySink();
  const result = await stackFrames(source, sink, await kernels(), { mode, memory: 192 });
  return { sink, result };
}

function wrapMax(source: MemoryFrameSource, maxValue: number): MemoryFrameSource['read'] {
  const read = source.read.bind(source);
  return async (i, r) => ({ ...(await read(i, r)), maxValue });
}

function worstDifference(ps: FakePhotoshop, composite: Float32Array, crop: { left: number; top: number; width: number; height: number }, width: number): number {
  const view = ps.render().data;
  let worst = 0;
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      for (let c = 0; c < 3; c++) {
        const a = view[((crop.top + y) * width + crop.left + x) * 3 + c]!;
        const b = composite[(y * crop.width + x) * 3 + c]!;
        worst = Math.max(worst, Math.abs(a - b));
      }
    }
  }
  return worst;
}

/** Worst difference between the document as shown and with composite layer `name` hidden (it stays hidden). */
function compositeOverMasks(ps: FakePhotoshop, name: string): number {
  const withComposite = ps.render().data;
  ps.findLayerByName(name)!.visible = false;
  const masksOnly = ps.render().data;
  let worst = 0;
  for (let i = 0; i < withComposite.length; i++) worst = Math.max(worst, Math.abs(withComposite[i]! - masksOnly[i]!));
  return worst;
}

function resultGroup(ps: FakePhotoshop) {
  const group = ps.module.app.activeDocument!.layers[0]!;
  expect(group.name).toMatch(RESULT_GROUP);
  return group;
}

describe('Photoshop bridge against the fake Photoshop', () => {
  for (const bits of [8, 16] as const) {
    it(`synthetic ${bits}-bit stack, depth map: one undo step, masked layers reproduce the composite, nothing leaked`, async () => {
      const stack = syntheticDocument({ width: 160, height: 120, frames: 5, seed: 21, bitDepth: bits, maxBlur: 2 });
      const { ps } = stack;
      const before = ps.snapshot();
      const historyBefore = ps.historyStates();
      const host = new PhotoshopHost(ps.module, await kernels());
      const events: number[] = [];
      const result = await host.stack({ options: { mode: 'depthmap' }, onProgress: (e) => events.push(e.fraction) });

      expect(ps.historyStates()).toEqual([...historyBefore, 'Planewise focus stack']);
      expect(ps.liveImageData()).toBe(0);
      expect(ps.progress.length).toBeGreaterThan(3);
      expect(events.at(-1)).toBe(1);

      // The source layers are untouched: same ids, names, pixels; our group sits on top.
      const after = ps.snapshot();
      expect(after.layers.slice(1)).toEqual(before.layers);
      const group = resultGroup(ps);
      const names = [...group.layers!].map((l) => l.name);
      expect(names).toEqual(['Planewise composite (depth map)', 'frame 5 (aligned)', 'frame 4 (aligned)', 'frame 3 (aligned)', 'frame 2 (aligned)', 'frame 1 (aligned)']);

      const engine = await engineComposite(stack, bits, 'depthmap');
      expect(engine.result.crop).toEqual(result.crop);
      // What the user sees equals the engine's composite…
      expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(1 / 255);
      // …and with the composite layer hidden, the masked frames alone reproduce it.
      ps.findLayerByName('Planewise composite (depth map)')!.visible = false;
      expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(1 / 255 + 1e-6);
    });
  }

  it('real stack (focusstack-pcb7 as layers), pyramid with sub-stack layers: composite on top matches the engine', async () => {
    const stack = await realDocument(384);
    const { ps } = stack;
    const host = new PhotoshopHost(ps.module, await kernels(), { depthLayer: true, hideSources: true });
    const result = await host.stack({ options: { mode: 'pyramid', slabSize: 4, slabOverlap: 1 } });
    expect(result.frames).toHaveLength(7);
    const engine = await engineComposite(stack, 8, 'pyramid');
    expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(1 / 255);
    const group = resultGroup(ps);
    const names = [...group.layers!].map((l) => l.name);
    expect(names.slice(0, 4)).toEqual(['Planewise depth map (near = black)', 'Planewise composite (pyramid)', 'Slab pcb_004–pcb_007', 'Slab pcb_001–pcb_004']);
    expect(ps.findLayerByName('Slab pcb_001–pcb_004')!.visible).toBe(false);
    expect(ps.findLayerByName('Planewise depth map (near = black)')!.visible).toBe(false);
    expect(ps.findLayerByName('pcb_001')!.visible).toBe(false);
    expect(ps.historyStates()).toHaveLength(2);
    expect(ps.liveImageData()).toBe(0);
  });

  it('layers "slabs": masked slab layers in place of the frames reproduce the composite, and re-composite uses them', async () => {
    const stack = syntheticDocument({ width: 96, height: 72, frames: 6, seed: 11, maxBlur: 2 });
    const { ps } = stack;
    const result = await new PhotoshopHost(ps.module, await kernels()).stack({ options: { mode: 'depthmap', layers: 'slabs', slabSize: 2 } });
    const names = [...resultGroup(ps).layers!].map((l) => l.name);
    expect(names).toEqual(['Planewise composite (depth map)', 'Slab frame 5–frame 6', 'Slab frame 3–frame 4', 'Slab frame 1–frame 2']);
    expect(names.slice(1).every((n) => ps.findLayerByName(n)!.visible && ps.findLayerByName(n)!.mask)).toBe(true);
    const engine = await engineComposite(stack, 8, 'depthmap');
    expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(1 / 255);
    ps.findLayerByName('Planewise composite (depth map)')!.visible = false;
    expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(2 / 255);
    ps.findLayerByName('Planewise composite (depth map)')!.visible = true;
    // Paint one slab out: re-composite follows the masks.
    ps.findLayerByName('Slab frame 3–frame 4')!.mask!.fill(0);
    await recomposite(ps.module);
    expect(compositeOverMasks(ps, 'Planewise composite (depth map)')).toBeLessThanOrEqual(1 / 255 + 1e-6);
  });

  it('a composite-only run writes a depth-map layer only when asked, with the same composite', async () => {
    const run = async (depthLayer: boolean) => {
      const stack = syntheticDocument({ width: 96, height: 72, frames: 4, seed: 5, maxBlur: 2 });
      await new PhotoshopHost(stack.ps.module, await kernels(), { depthLayer, hideSources: false }).stack({ options: { mode: 'pyramid', layers: 'none' } });
      const names = [...resultGroup(stack.ps).layers!].map((l) => l.name);
      return { names, composite: stack.ps.render().data };
    };
    const plain = await run(false), withDepth = await run(true);
    expect(plain.names).toEqual(['Planewise composite (pyramid)']);
    expect(withDepth.names).toEqual(['Planewise depth map (near = black)', 'Planewise composite (pyramid)']);
    expect(Array.from(plain.composite)).toEqual(Array.from(withDepth.composite));
  });

  it('a 60-frame stack with layers "slabs" adds about ten masked slab layers (4-20), no frame layers, and they reproduce the composite', async () => {
    const stack = syntheticDocument({ width: 96, height: 72, frames: 60, seed: 17, maxBlur: 0.6, breathing: 0.01 });
    const { ps } = stack;
    const bytes = () => {
      let total = 0;
      const visit = (layers: ReturnType<FakePhotoshop['snapshot']>['layers']) => layers.forEach((l) => {
        total += (l.rgba?.byteLength ?? 0) + (l.mask?.byteLength ?? 0);
        if (l.children) visit(l.children);
      });
      visit(ps.snapshot().layers);
      return total;
    };
    const before = bytes();
    const result = await new PhotoshopHost(ps.module, await kernels()).stack({ options: { mode: 'depthmap', layers: 'slabs' } });
    const layers = [...resultGroup(ps).layers!].map((l) => ps.findLayerByName(l.name)!);
    expect(layers[0]!.name).toBe('Planewise composite (depth map)');
    const slabs = layers.slice(1);
    expect(slabs.length).toBeGreaterThanOrEqual(4);
    expect(slabs.length).toBeLessThanOrEqual(20);
    expect(slabs.every((l) => l.name.startsWith('Slab ') && l.visible && l.mask)).toBe(true);
    // The estimate the panel shows is what the run added (the fake keeps canvas-sized layers, as the estimate assumes).
    expect(bytes() - before).toBe(documentGrowth({ width: 96, height: 72, channels: 3, bitDepth: 8 }, 60, result.settings, { depthLayer: false }));
    const engine = await engineComposite(stack, 8, 'depthmap');
    expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(1 / 255);
    ps.findLayerByName('Planewise composite (depth map)')!.visible = false;
    expect(worstDifference(ps, engine.sink.composite!, result.crop, stack.width)).toBeLessThanOrEqual(2 / 255);
    expect(ps.historyStates()).toHaveLength(2);
    expect(ps.liveImageData()).toBe(0);
  });

  it('cancel at any point (first call, reading, writing, last call) leaves the document exactly as it was', async () => {
    const doc = () => syntheticDocument({ width: 96, height: 72, frames: 4, seed: 2 }).ps;
    // Count the Photoshop calls a whole run makes inside the modal scope.
    const probe = doc();
    await new PhotoshopHost(probe.module, await kernels()).stack({ options: { mode: 'depthmap' } });
    const total = probe.calls.filter((c) => c.modal).length;
    expect(total).toBeGreaterThan(20);
    for (const after of [0, 3, Math.floor(total / 2), total - 1]) {
      const ps = doc();
      const before = ps.snapshot();
      const history = ps.historyStates();
      ps.cancelNextModal(after);
      const host = new PhotoshopHost(ps.module, await kernels());
      await expect(host.stack({ options: { mode: 'depthmap' } })).rejects.toBeInstanceOf(CancelledError);
      expect(ps.snapshot()).toEqual(before);
      expect(ps.historyStates()).toEqual(history);
    }
  });

  it('cancel from the panel (AbortSignal) rolls back too', async () => {
    const { ps } = syntheticDocument({ width: 96, height: 72, frames: 4, seed: 2 });
    const before = ps.snapshot();
    const controller = new AbortController();
    const host = new PhotoshopHost(ps.module, await kernels());
    const run = host.stack({ signal: controller.signal, onProgress: (e) => { if (e.stage === 'fusing') controller.abort(); } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(ps.snapshot()).toEqual(before);
  });

  it('a failing write leaves the document identical and reports the error', async () => {
    const { ps } = syntheticDocument({ width: 96, height: 72, frames: 4, seed: 2 });
    const before = ps.snapshot();
    let masks = 0;
    ps.failOn((call) => call.api === 'imaging.putLayerMask' && ++masks === 3);
    const host = new PhotoshopHost(ps.module, await kernels());
    await expect(host.stack({})).rejects.toThrow(/injected failure/);
    expect(ps.snapshot()).toEqual(before);
    expect(ps.historyStates()).toEqual(['Open']);
    expect(ps.liveImageData()).toBe(0);
  });

  describe('refusals: one sentence saying what to do, document unchanged', () => {
    const refuse = async (ps: FakePhotoshop, pattern: RegExp) => {
      const before = ps.module.app.activeDocument ? ps.snapshot() : undefined;
      const host = new PhotoshopHost(ps.module, await kernels());
      const error = await host.stack({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message.split(/\.\s/).length).toBeLessThanOrEqual(2);
      if (before) expect(ps.snapshot()).toEqual(before);
      expect(ps.calls.filter((c) => c.modal)).toEqual([]);
    };
    const pixels = (n: number, c = 3) => new Uint8Array(n * c).fill(128);

    it('no document', async () => {
      await refuse(createFakePhotoshop(), /Open a document/);
    });
    for (const [mode, label] of [['CMYKColorMode', 'CMYK'], ['labColorMode', 'Lab'], ['indexedColorMode', 'Indexed']] as const) {
      it(`${label} mode`, async () => {
        const ps = createFakePhotoshop();
        ps.openDocument({ width: 8, height: 8, mode, layers: [{ name: 'a' }, { name: 'b' }] });
        await refuse(ps, new RegExp(`${label}.*Image > Mode > RGB Color`));
      });
    }
    it('32-bit document', async () => {
      const ps = createFakePhotoshop();
      ps.openDocument({ width: 8, height: 8, bits: 32, layers: [{ name: 'a' }, { name: 'b' }] });
      await refuse(ps, /32-bit.*16 Bits\/Channel/);
    });
    it('fewer than two pixel layers (others skipped and reported)', async () => {
      const ps = createFakePhotoshop();
      ps.openDocument({ width: 8, height: 8, layers: [{ name: 'title', kind: 'text' }, { name: 'so', kind: 'smartObject' }, { name: 'only', pixels: pixels(64) }] });
      await refuse(ps, /at least two pixel layers/);
      const entries = await new PhotoshopHost(ps.module, await kernels()).listFrames();
      expect(entries.map((e) => [e.name, e.usable])).toEqual([['only', true], ['so', false], ['title', false]]);
      expect(entries.find((e) => e.name === 'so')!.note).toMatch(/smart object.*rasterize/i);
    });
    it('another plugin holds the modal state', async () => {
      const { ps } = syntheticDocument({ width: 64, height: 48, frames: 2 });
      ps.otherPluginModal = true;
      await refuse(ps, /busy/);
    });
  });

  it('reads the Background layer and layers smaller than the canvas, and stacks a selected group', async () => {
    const { frames, width, height } = syntheticDocument({ width: 96, height: 72, frames: 3, seed: 4, maxShift: 1, breathing: 0.01 });
    const ps = createFakePhotoshop();
    const inset = { left: 4, top: 3, right: width - 2, bottom: height - 5 };
    const crop = (data: Uint8Array | Uint16Array) => {
      const out = new Uint8Array((inset.right - inset.left) * (inset.bottom - inset.top) * 3);
      for (let y = inset.top; y < inset.bottom; y++) out.set(data.subarray((y * width + inset.left) * 3, (y * width + inset.right) * 3), (y - inset.top) * (inset.right - inset.left) * 3);
      return out;
    };
    ps.openDocument({
      width, height,
      layers: [
        { name: 'notes', kind: 'text' },
        { name: 'Frames', children: layersFromFrames([frames[1]!, crop(frames[2]!)], ['mid', 'far']).map((l, i) => (i === 0 ? { ...l, bounds: inset } : l)) },
        { name: 'Background', isBackground: true, pixels: frames[0]! },
      ],
    });
    const host = new PhotoshopHost(ps.module, await kernels());
    // Without a selected group: the top-level pixel layers — only the Background — so it refuses.
    await expect(host.stack({})).rejects.toThrow(/only one/);
    const listing = await host.listFrames();
    expect(listing.find((e) => e.name === 'Frames')!.note).toMatch(/select the group/);
    // Select the group: its two layers are the stack, the smaller one included.
    ps.selectLayers(['Frames']);
    const entries = await host.listFrames();
    expect(entries.filter((e) => e.usable).map((e) => e.name)).toEqual(['mid', 'far']);
    expect(entries.find((e) => e.name === 'far')!.note).toMatch(/smaller than the canvas/);
    const result = await host.stack({ options: { mode: 'depthmap' } });
    expect(result.frames.map((f) => f.name)).toEqual(['mid', 'far']);
    expect(ps.liveImageData()).toBe(0);
  });
  it('options are validated before the document is touched: a bad value is an OptionError naming it', async () => {
    const { ps } = syntheticDocument({ width: 64, height: 48, frames: 2, seed: 3 });
    const before = ps.snapshot();
    const host = new PhotoshopHost(ps.module, await kernels());
    const error = await host.stack({ options: { mode: 'sharpest' as never } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(/method \(--mode\) must be pyramid, depthmap or hybrid; got "sharpest"/);
    expect(ps.snapshot()).toEqual(before);
    expect(ps.calls.filter((c) => c.modal)).toEqual([]);
  });

  it('transparent pixels are no data: the crop keeps inside every frame\'s opaque area, and matches the engine', async () => {
    const width = 96, height = 72;
    // The middle frame as Auto-Align leaves it: transparent down its left edge and along its bottom.
    const alpha = new Uint8Array(width * height).fill(255);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (x < 12 || y >= 64) alpha[y * width + x] = 0;
    const stack = syntheticDocument({ width, height, frames: 3, seed: 7, alpha: [undefined, alpha, undefined] });
    const host = new PhotoshopHost(stack.ps.module, await kernels());
    const result = await host.stack({ options: { mode: 'depthmap', alignment: 'none' } });
    const { crop } = result;
    expect(crop.left).toBeGreaterThanOrEqual(12);
    expect(crop.top + crop.height).toBeLessThanOrEqual(64);
    expect(crop.width * crop.height).toBeGreaterThanOrEqual(0.9 * 84 * 64);
    // The engine told the same opaque area fuses the same composite.
    const valid = { left: 12, top: 0, width: 84, height: 64 };
    const info: StackInfo = { width, height, channels: 3, bitDepth: 8, frames: stack.frames.map((_, i) => ({ name: `f${i}`, ...(i === 1 ? { valid } : {}) })) };
    const sink = new MemorySink();
    const engine = await stackFrames(new MemoryFrameSource(info, stack.frames), sink, await kernels(), { mode: 'depthmap', alignment: 'none', memory: 192 });
    expect(engine.crop).toEqual(crop);
    expect(worstDifference(stack.ps, sink.composite!, crop, width)).toBeLessThanOrEqual(1 / 255);
    expect(stack.ps.liveImageData()).toBe(0);
  });

  describe('result layers land in place whatever Photoshop does with new layers', () => {
    const expected = ['Planewise composite (depth map)', 'frame 3 (aligned)', 'frame 2 (aligned)', 'frame 1 (aligned)'];
    it('new layers and groups land above the active layer, which sits in a group of the user\'s', async () => {
      const { ps } = syntheticDocument({
        width: 64, height: 48, frames: 3, seed: 5, quirks: { newLayersAboveActive: true },
        above: [{ name: 'Notes', children: [{ name: 'caption', kind: 'text' }] }],
      });
      ps.selectLayers(['caption']);
      await new PhotoshopHost(ps.module, await kernels()).stack({ options: { mode: 'depthmap' } });
      const group = resultGroup(ps);
      expect([...group.layers!].map((l) => l.name)).toEqual(expected);
      expect([...ps.module.app.activeDocument!.layers].map((l) => l.name).slice(1)).toEqual(['Notes', 'frame 3', 'frame 2', 'frame 1']);
    });
    it('placeInside puts layers at the bottom of the group', async () => {
      const { ps } = syntheticDocument({ width: 64, height: 48, frames: 3, seed: 5, quirks: { placeInsideAtBottom: true } });
      await new PhotoshopHost(ps.module, await kernels()).stack({ options: { mode: 'depthmap' } });
      expect([...resultGroup(ps).layers!].map((l) => l.name)).toEqual(expected);
    });
  });

  it('Photoshop without the imaging module: one sentence naming the version needed, nothing touched', async () => {
    const ps = createFakePhotoshop({ quirks: { noImaging: true } });
    ps.openDocument({ width: 8, height: 8, layers: [{ name: 'a' }, { name: 'b' }] });
    const host = new PhotoshopHost(ps.module, await kernels());
    for (const attempt of [() => host.listFrames(), () => host.stack({})]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/Photoshop 24\.4 or newer/);
      expect((error as Error).message.split(/\.\s/).length).toBe(1);
    }
    expect(ps.historyStates()).toEqual(['Open']);
  });

  it('re-composite finds the result group and its layers wherever the user moved them', async () => {
    const { ps } = syntheticDocument({ width: 64, height: 48, frames: 3, seed: 9 });
    await new PhotoshopHost(ps.module, await kernels()).stack({ options: { mode: 'depthmap' } });
    await ps.module.core.executeAsModal(async () => {
      const doc = ps.module.app.activeDocument!;
      const archive = (await doc.createLayerGroup({ name: 'Archive' }))!;
      doc.layers[1]!.move(archive, ps.module.constants.ElementPlacement.PLACEINSIDE);
    }, { commandName: 'user moves the result' });
    expect(ps.module.app.activeDocument!.layers[0]!.name).toBe('Archive');
    ps.findLayerByName('frame 2 (aligned)')!.mask!.fill(0);
    await recomposite(ps.module);
    expect(ps.historyStates().at(-1)).toBe('Planewise re-composite');
    expect(compositeOverMasks(ps, 'Planewise composite (depth map)')).toBeLessThanOrEqual(1 / 255 + 1e-6);
  });

  it('hiding the sources is one step that rolls itself back when a change fails, even if Photoshop would not', async () => {
    const { ps } = syntheticDocument({ width: 32, height: 24, frames: 4, seed: 1, quirks: { noRollback: true } });
    const before = ps.snapshot();
    const ids = [...ps.module.app.activeDocument!.layers].map((l) => l.id);
    let changes = 0;
    ps.failOn((call) => call.api === 'Layer.visible' && ++changes === 3);
    const error = await setSourcesVisible(ps.module, ids, false).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/injected failure/);
    expect(ps.snapshot()).toEqual(before);
    expect(ps.historyStates()).toEqual(['Open']);
  });
  it('thumbnails: read in one modal scope, as RGB even from a grayscale document, then served from the cache', async () => {
    const { ps } = syntheticDocument({ width: 64, height: 48, frames: 3, seed: 2, channels: 1 });
    const ids = [...ps.module.app.activeDocument!.layers].map((l) => l.id);
    const docId = ps.module.app.activeDocument!.id;
    let scopes = 0;
    const executeAsModal = ps.module.core.executeAsModal;
    ps.module.core.executeAsModal = (fn, options) => { scopes++; return executeAsModal(fn, options); };
    const thumbnails = new ThumbnailCache(ps.module, 16);
    const first = await thumbnails.get(docId, ids);
    expect(Object.keys(first)).toEqual(ids.map(String));
    for (const url of Object.values(first)) expect(url).toMatch(/^data:image\/jpeg;base64,/);
    const reads = ps.calls.filter((c) => c.api === 'imaging.getPixels');
    expect(reads.every((c) => c.modal && (c.args as { colorSpace?: string }).colorSpace === 'RGB')).toBe(true);
    expect(reads).toHaveLength(3);
    expect(scopes).toBe(1);
    // The panel asks again on every document event: nothing more is read.
    expect(await thumbnails.get(docId, ids)).toEqual(first);
    expect(ps.calls.filter((c) => c.api === 'imaging.getPixels')).toHaveLength(3);
    expect(scopes).toBe(1);
    expect(ps.historyStates()).toEqual(['Open']);
    expect(ps.liveImageData()).toBe(0);
  });

  it('estimates how much a run adds to the document, and when that is more than a PSD holds', () => {
    const canvas = { width: 6000, height: 4000, channels: 3 as const, bitDepth: 16 as const };
    const frames = { layers: 'frames' as const, slabSize: 0, slabOverlap: 1 };
    const compositeOnly = { ...frames, layers: 'none' as const };
    // 24 MP at 2 bytes: each masked frame is colour + alpha + mask (5 planes), the composite 4 planes.
    expect(documentGrowth(canvas, 40, frames, { depthLayer: false })).toBe(24e6 * 2 * (40 * 5 + 4));
    expect(documentGrowth(canvas, 40, compositeOnly, { depthLayer: true })).toBe(24e6 * 2 * 8);
    expect(documentGrowth(canvas, 40, { ...frames, slabSize: 10, slabOverlap: 1 }, { depthLayer: false })).toBe(24e6 * 2 * (40 * 5 + 5 * 4 + 4));
    // 'slabs': about ten masked slabs (4 frames each for 40) in place of the frames.
    expect(documentGrowth(canvas, 40, { ...frames, layers: 'slabs' }, { depthLayer: false })).toBe(24e6 * 2 * (10 * 5 + 4));
    expect(documentGrowth(canvas, 40, frames, { depthLayer: false })).toBeGreaterThan(LARGE_GROWTH_BYTES);
    expect(documentGrowth(canvas, 40, compositeOnly, { depthLayer: false })).toBeLessThan(LARGE_GROWTH_BYTES);
  });
});
