import { describe, expect, it } from 'vitest';
import { createFakePhotoshop } from './fake-photoshop/index.js';

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

  it('trims reads to the layer, serves pyramid levels in level coordinates, 16-bit in 0..32768, alpha only off the Background', async () => {
    const ps = open(16);
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
    }, { commandName: 'test' })).rejects.toThrow('boom');
    expect(ps.snapshot()).toEqual(mid);
    expect(ps.snapshot()).not.toEqual(before);
  });

  it('masks: refused on the Background, 1 component only; batchPlay refuses unknown descriptors loudly', async () => {
    const ps = open();
    await ps.module.core.executeAsModal(async () => {
      const gray = await ps.module.imaging.createImageDataFromBuffer(new Uint8Array(1), { width: 1, height: 1, components: 1, colorSpace: 'Grayscale' });
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
    }, { commandName: 'test' })).rejects.toThrow(/cancelled/);
    expect(told).toBe(true);
  });
});
