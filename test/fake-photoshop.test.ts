import { describe, expect, it } from 'vitest';
import { createFakePhotoshop } from './fake-photoshop/index.js';

/** Runs `fn` inside a modal scope, as every Photoshop read and write must. */
const modal = <T>(ps: ReturnType<typeof createFakePhotoshop>, fn: () => Promise<T>) => ps.module.core.executeAsModal(fn, { commandName: 'test' });

/** The fake must behave like Photoshop where the adapter depends on it, so these pin its semantics. */
describe('fake Photoshop semantics', () => {
  const open = (bits: 8 | 16 = 8) => {
    const ps = createFakePhotoshop();
    const inner = new (bits === 8 ? Uint8Array : Uint16Array)(4 * 3 * 3).fill(bits === 8 ? 200 : 30000);
    ps.openDocument({
      width: 8, height: 6, bits,
      layers: [
        { name: 'small', bounds: { left: 2, top: 1, right: 6, bottom: 4 }, pixels: inner },
        { name: 'Background', isBackground: true, pixels: new (bits === 8 ? Uint8Array : Uint16Array)(8 * 6 * 3).fill(bits === 8 ? 10 : 1000) },
      ],
    });
    return ps;
  };
  const layerId = (ps: ReturnType<typeof open>, name: string) => ps.findLayerByName(name)!.id;

  it('rejects document changes outside a modal scope', async () => {
    const ps = open();
    const doc = ps.module.app.activeDocument!;
    await expect(doc.createPixelLayer({ name: 'x' })).rejects.toThrow(/only allowed from inside the modal scope/);
    expect(() => { doc.layers[0]!.visible = false; }).toThrow(/modal scope/);
    const data = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(3), { width: 1, height: 1, components: 3, colorSpace: 'RGB' });
    await expect(ps.module.imaging.putPixels({ layerID: layerId(ps, 'small'), imageData: data })).rejects.toThrow(/modal scope/);
  });

  it('rejects a collision with another plugin with error number 9', async () => {
    const ps = open();
    ps.otherPluginModal = true;
    await expect(ps.module.core.executeAsModal(async () => 1, { commandName: 'x' })).rejects.toMatchObject({ number: 9 });
  });

  it('refuses pixel reads outside a modal scope', async () => {
    const ps = open();
    await expect(ps.module.imaging.getPixels({ layerID: layerId(ps, 'small') })).rejects.toThrow(/modal scope/);
    await expect(ps.module.imaging.getLayerMask({ layerID: layerId(ps, 'small') })).rejects.toThrow(/modal scope/);
    const read = await modal(ps, () => ps.module.imaging.getPixels({ layerID: layerId(ps, 'small') }));
    expect(read.imageData.width).toBe(4);
    await read.imageData.dispose();
  });

  it('an error thrown inside executeAsModal reaches the caller as a plain value, without its class', async () => {
    const ps = open();
    class Special extends Error {}
    const error = await modal(ps, async () => { throw new Special('kept message'); }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(Special);
    expect(error).not.toBeInstanceOf(Error);
    expect(error).toEqual({ message: 'kept message' });
  });

  it('a transparent area comes back with empty bounds; reads are trimmed to pixels within the request', async () => {
    const ps = open();
    await modal(ps, async () => {
      const none = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'small'), sourceBounds: { left: 6, top: 0, right: 8, bottom: 6 } });
      expect(none.sourceBounds).toEqual({ left: 6, top: 0, right: 6, bottom: 0 });
      expect([none.imageData.width, none.imageData.height]).toEqual([0, 0]);
      await none.imageData.dispose();
      const part = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'small'), sourceBounds: { left: 3, top: 0, right: 8, bottom: 2 } });
      expect(part.sourceBounds).toEqual({ left: 3, top: 1, right: 6, bottom: 2 });
      await part.imageData.dispose();
    });
  });

  it('grayscale reads carry no alpha; RGB reads of a grayscale document do', async () => {
    const ps = createFakePhotoshop();
    ps.openDocument({ width: 4, height: 2, mode: 'grayscaleMode', layers: [{ name: 'g', pixels: new Uint8Array(8).fill(90), alpha: new Uint8Array(8).fill(255).fill(0, 0, 2) }] });
    await modal(ps, async () => {
      const gray = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'g') });
      expect(gray.imageData.components).toBe(1);
      expect(gray.sourceBounds).toEqual({ left: 0, top: 0, right: 4, bottom: 2 });
      const rgb = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'g'), colorSpace: 'RGB' });
      expect(rgb.imageData.components).toBe(4);
      const rgba = (await rgb.imageData.getData({})) as Uint8Array;
      expect([rgba[3], rgba[7], rgba[11]]).toEqual([0, 0, 255]);
      await gray.imageData.dispose();
      await rgb.imageData.dispose();
    });
  });

  it('new pixel layers land at the top, inside the top group; groups at the top level; placeInside goes on top', async () => {
    const ps = open();
    const doc = ps.module.app.activeDocument!;
    await modal(ps, async () => {
      const group = (await doc.createLayerGroup({ name: 'G' }))!;
      const a = (await doc.createPixelLayer({ name: 'a' }))!;
      expect([...doc.layers].map((l) => l.name)).toEqual(['G', 'small', 'Background']);
      expect([...group.layers!].map((l) => l.name)).toEqual(['a']);
      const b = (await doc.createLayerGroup({ name: 'H' }))!;
      expect(doc.layers[0]!.id).toBe(b.id);
      ps.module.app.activeDocument!.layers[2]!.move(group, ps.module.constants.ElementPlacement.PLACEINSIDE);
      expect([...group.layers!].map((l) => l.name)).toEqual(['small', 'a']);
      expect(a.name).toBe('a');
    });
  });

  it('opens and closes scratch documents only inside a modal scope', async () => {
    const ps = open();
    const user = ps.module.app.activeDocument!;
    const options = { width: 4, height: 4, mode: ps.module.constants.NewDocumentMode.RGB, fill: ps.module.constants.DocumentFill.WHITE, depth: 16 as const };
    await expect(ps.module.app.documents.add(options)).rejects.toThrow(/modal scope/);
    await modal(ps, async () => {
      const scratch = (await ps.module.app.documents.add(options))!;
      expect(ps.module.app.activeDocument!.id).toBe(scratch.id);
      expect(String(scratch.bitsPerChannel)).toBe('bitDepth16');
      const white = await ps.module.imaging.getPixels({ documentID: scratch.id, layerID: scratch.layers[0]!.id });
      expect(Array.from((await white.imageData.getData({})) as Uint16Array).slice(0, 3)).toEqual([32768, 32768, 32768]);
      await white.imageData.dispose();
      scratch.closeWithoutSaving();
      ps.module.app.activeDocument = user;
    });
    expect(ps.documentIds()).toEqual([user.id]);
  });

  it('trims reads to the layer, serves pyramid levels in level coordinates, 16-bit in 0..32768, alpha only off the Background', async () => {
    const ps = open(16);
    await modal(ps, async () => {
    const small = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'small'), sourceBounds: { left: 0, top: 0, right: 8, bottom: 6 } });
    expect(small.sourceBounds).toEqual({ left: 2, top: 1, right: 6, bottom: 4 });
    expect(small.imageData.components).toBe(4);
    const data = (await small.imageData.getData({})) as Uint16Array;
    expect(data[0]).toBe(30000);
    expect(data[3]).toBe(32768);
    const bg = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'Background'), targetSize: { width: 4 } });
    expect(bg.level).toBe(1);
    expect(bg.sourceBounds).toEqual({ left: 0, top: 0, right: 4, bottom: 3 });
    expect(bg.imageData.components).toBe(3);
    expect(ps.liveImageData()).toBe(2);
    await small.imageData.dispose();
    await bg.imageData.dispose();
    expect(ps.liveImageData()).toBe(0);
    await expect(small.imageData.getData({})).rejects.toThrow(/disposed/);
    });
  });

  it('history: suspension commits one state, rollback restores exactly, a throw rolls back', async () => {
    const ps = open();
    const before = ps.snapshot();
    const id = layerId(ps, 'small');
    await ps.module.core.executeAsModal(async (ctx) => {
      const s = await ctx.hostControl.suspendHistory({ documentID: ps.module.app.activeDocument!.id, name: 'Mine' });
      const img = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(3).fill(9), { width: 1, height: 1, components: 3, colorSpace: 'RGB' });
      await ps.module.imaging.putPixels({ layerID: id, imageData: img }); // replace defaults to true: the layer is cleared
      await img.dispose();
      await ctx.hostControl.resumeHistory(s, true);
    }, { commandName: 'test' });
    expect(ps.historyStates()).toEqual(['Open', 'Mine']);
    expect(ps.module.app.activeDocument!.layers[0]!.boundsNoEffects).toMatchObject({ left: 0, top: 0, right: 1, bottom: 1 });
    const mid = ps.snapshot();
    await expect(ps.module.core.executeAsModal(async (ctx) => {
      await ctx.hostControl.suspendHistory({ documentID: ps.module.app.activeDocument!.id, name: 'Doomed' });
      await ps.module.app.activeDocument!.createPixelLayer({ name: 'temp' });
      throw new Error('boom');
    }, { commandName: 'test' })).rejects.toEqual({ message: 'boom' });
    expect(ps.snapshot()).toEqual(mid);
    expect(ps.snapshot()).not.toEqual(before);
  });

  it('masks: refused on the Background, 1 gray component in a gray profile only; batchPlay refuses unknown descriptors loudly', async () => {
    const ps = open();
    await ps.module.core.executeAsModal(async () => {
      const noProfile = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(1), { width: 1, height: 1, components: 1, colorSpace: 'Grayscale' });
      await expect(ps.module.imaging.putLayerMask({ layerID: layerId(ps, 'small'), imageData: noProfile })).rejects.toThrow(/gray profile/);
      await noProfile.dispose();
      const gray = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(1), { width: 1, height: 1, components: 1, colorSpace: 'Grayscale', colorProfile: 'Gray Gamma 2.2' });
      await expect(ps.module.imaging.putLayerMask({ layerID: layerId(ps, 'Background'), imageData: gray })).rejects.toThrow(/Background/);
      const rgb = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(3), { width: 1, height: 1, components: 3, colorSpace: 'RGB' });
      await expect(ps.module.imaging.putLayerMask({ layerID: layerId(ps, 'small'), imageData: rgb })).rejects.toThrow(/components/);
      await ps.module.imaging.putLayerMask({ layerID: layerId(ps, 'small'), imageData: gray, replace: false, targetBounds: { left: 3, top: 2, right: 4, bottom: 3 } });
      await gray.dispose();
      await rgb.dispose();
      await expect(ps.module.action.batchPlay([{ _obj: 'flattenImage' }], {})).rejects.toThrow(/unsupported descriptor/);
    }, { commandName: 'test' });
    // A new mask is white except where written; the render shows the Background through the hole.
    const view = ps.render();
    expect(view.data[(2 * 8 + 3) * 3]).toBeCloseTo(10 / 255, 6);
    expect(view.data[(2 * 8 + 4) * 3]).toBeCloseTo(200 / 255, 6);
  });

  it('cancel makes every further call in the scope throw and reports onCancel', async () => {
    const ps = open();
    ps.cancelNextModal(1);
    let told = false;
    await expect(ps.module.core.executeAsModal(async (ctx) => {
      ctx.onCancel = () => { told = true; };
      const a = await ps.module.imaging.getPixels({ layerID: layerId(ps, 'small') });
      await a.imageData.dispose();
      await ps.module.imaging.getPixels({ layerID: layerId(ps, 'small') });
    }, { commandName: 'test' })).rejects.toMatchObject({ message: expect.stringMatching(/cancelled/) });
    expect(told).toBe(true);
  });
});
