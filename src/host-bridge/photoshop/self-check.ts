/**
 * "Check Photoshop compatibility": exercises, on this user's Photoshop, every assumption the adapter makes
 * that Adobe's documentation does not settle (docs/photoshop-compatibility.md lists them with their
 * sources). It works only in scratch documents it creates (8- and 16-bit), closes them, and gives the
 * user's document back untouched and active. Each line says what was assumed, what this Photoshop did, and
 * what that means for Planewise; the report is plain text the user can copy into a bug report.
 */
import type { Kernels } from '../../wasm/kernels.js';
import { fullScale } from '../../engine/pixel-format.js';
import type { Rect } from '../../engine/types.js';
import { toBounds } from './bounds.js';
import { findStack } from './frames.js';
import { inModalScope } from './history-step.js';
import { PhotoshopHost } from './host.js';
import { addRevealAllMask, collectLayers, moveToTopOfGroup } from './layers.js';
import { LAYER_NAMES } from '../layer-names.js';
import { alignedName, isCompositeName, isResultGroupName } from './result-layers.js';
import { maskImageData, PS_16BIT_MAX, pixelImageData } from './samples.js';
import { IMAGING_MISSING, MIN_PHOTOSHOP_VERSION } from './support.js';
import type { Photoshop, PsDocument, PsLayer } from './types.js';
import { opaqueArea } from './valid-area.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info';

export type CheckId =
  | 'imaging' | 'layer-order' | 'new-layer-placement' | 'new-group-placement' | 'place-inside' | 'result-layout'
  | 'stack-8' | 'stack-16' | 'mask' | 'target-size' | 'range-16' | 'transparency' | 'modal-reads' | 'error-shape'
  | 'rollback' | 'kernels' | 'speed';

export interface CheckLine {
  id: CheckId;
  status: CheckStatus;
  /** The assumption, as a statement. */
  title: string;
  /** What this Photoshop did. */
  observed: string;
  /** What it means for Planewise. */
  meaning: string;
}

export interface SelfCheckReport {
  lines: CheckLine[];
  seconds: number;
  /** The whole report as plain text, to copy. */
  text: string;
}

export interface SelfCheckOptions {
  /** The kernels the panel loaded, and the loader's notice when it fell back. */
  kernels: Kernels;
  kernelNotice?: string;
  /** Photoshop's version (require('uxp').host.version), for the report's header. */
  hostVersion?: string;
  /** Told each line as it is found. */
  onLine?: (line: CheckLine) => void;
}

const NAME = 'Planewise compatibility check';
/** Scratch sizes: small enough for seconds, the speed document big enough to time. */
const CHECK_SIZE = { width: 256, height: 192 };
const STACK_SIZE = { width: 64, height: 48 };
const SPEED_SIZE = { width: 1024, height: 1024 };

const REPAIRED = 'Planewise checks where each of its layers lands by id and moves it into place, so this matters only if "Result layers in order" fails.';

export async function runSelfCheck(ps: Photoshop, options: SelfCheckOptions): Promise<SelfCheckReport> {
  const t0 = Date.now();
  const lines: CheckLine[] = [];
  const add = (line: CheckLine) => {
    lines.push(line);
    options.onLine?.(line);
  };
  const finish = (): SelfCheckReport => {
    const seconds = (Date.now() - t0) / 1000;
    return { lines, seconds, text: formatReport(lines, seconds, options.hostVersion) };
  };

  if (!(ps as Partial<Photoshop>).imaging) {
    add({ id: 'imaging', status: 'fail', title: 'Photoshop has the imaging API', observed: 'missing', meaning: IMAGING_MISSING });
    return finish();
  }
  add({ id: 'imaging', status: 'pass', title: 'Photoshop has the imaging API', observed: 'present', meaning: `Planewise reads and writes pixels through it (Photoshop ${MIN_PHOTOSHOP_VERSION} or newer).` });

  const user = ps.app.activeDocument;
  const scratch: PsDocument[] = [];
  const open = async (depth: 8 | 16, fill: 'white' | 'transparent', size: { width: number; height: number }) => {
    const doc = await inModalScope(ps, { name: NAME }, async () => ps.app.documents.add({
      name: `Planewise check (${depth}-bit)`, ...size, resolution: 72, mode: ps.constants.NewDocumentMode.RGB,
      fill: fill === 'white' ? ps.constants.DocumentFill.WHITE : ps.constants.DocumentFill.TRANSPARENT, depth,
    }));
    if (!doc) throw new Error('Photoshop did not create a scratch document');
    scratch.push(doc);
    return doc;
  };
  /** Runs one check; a check that throws is a failed line naming the error. */
  const run = async (id: CheckId, title: string, meaning: string, check: () => Promise<Omit<CheckLine, 'id' | 'title'>>) => {
    try {
      add({ id, title, ...(await check()) });
    } catch (error) {
      add({ id, title, status: 'fail', observed: `failed: ${messageOf(error)}`, meaning });
    }
  };

  try {
    const doc8 = await open(8, 'white', CHECK_SIZE);
    const inDoc = <T>(doc: PsDocument, work: () => Promise<T>) => inModalScope(ps, { name: NAME }, async () => {
      if (ps.app.activeDocument?.id !== doc.id) ps.app.activeDocument = doc;
      return work();
    });

    await run('modal-reads', 'Pixels can be read outside a modal scope', '', async () => {
      const background = doc8.layers[doc8.layers.length - 1]!;
      let observed: string;
      try {
        const read = await ps.imaging.getPixels({ documentID: doc8.id, layerID: background.id, sourceBounds: { left: 0, top: 0, right: 1, bottom: 1 } });
        await read.imageData.dispose();
        observed = 'allowed';
      } catch (error) {
        observed = `refused (${messageOf(error)})`;
      }
      return { status: 'info', observed, meaning: 'Planewise reads only inside modal scopes, as Adobe\'s samples do, so either answer is fine.' };
    });

    await run('error-shape', 'An error thrown inside executeAsModal reaches the caller', 'Planewise could not tell a failure from a cancel.', async () => {
      const probe = new SelfCheckProbe('probe');
      const raw = await ps.core.executeAsModal(async () => { throw probe; }, { commandName: NAME }).then(() => 'nothing', (e: unknown) => e);
      const observed = raw === probe ? 'unchanged, class and all' : raw instanceof SelfCheckProbe ? 'as a copy of its class' : raw === 'nothing' ? 'not at all (the command looked successful)' : `as a plain value${messageOf(raw) === 'probe' ? ' with its message' : ''}, without its class`;
      const carried = await inModalScope(ps, { name: NAME }, async () => { throw probe; }).then(() => undefined, (e: unknown) => e);
      return carried === probe
        ? { status: 'pass', observed, meaning: 'Planewise carries outcomes out of the modal scope itself, so errors and cancels keep their meaning.' }
        : { status: 'fail', observed: `${observed}; carried out: ${messageOf(carried)}`, meaning: 'Planewise could not tell a failure from a cancel.' };
    });

    await run('layer-order', 'doc.layers lists the top of the stack first, the Background last', 'Planewise would read the frames in the wrong order and place its results wrongly.', () => inDoc(doc8, async () => {
      await doc8.createPixelLayer({ name: 'check A' });
      const list = [...doc8.layers];
      const ok = list.length >= 2 && list[list.length - 1]!.isBackgroundLayer && !list[0]!.isBackgroundLayer;
      return ok
        ? { status: 'pass', observed: 'top first', meaning: 'The bottom layer is frame 1, as in the Layers panel.' }
        : { status: 'fail', observed: `Background at position ${list.findIndex((l) => l.isBackgroundLayer) + 1} of ${list.length}`, meaning: 'Planewise would read the frames in the wrong order and place its results wrongly; please report this.' };
    }));

    await run('new-layer-placement', 'A new pixel layer lands at the top of the stack', REPAIRED, () => inDoc(doc8, async () => {
      const { group, lower } = await nestedSelection(ps, doc8, 'check U');
      const layer = (await doc8.createPixelLayer({ name: 'check P' }))!;
      const top = doc8.layers[0]!;
      const atTop = top.id === layer.id || (top.id === group.id && group.layers?.[0]?.id === layer.id);
      return atTop
        ? { status: 'pass', observed: top.id === layer.id ? 'at the top' : 'at the top, inside the top group', meaning: REPAIRED }
        : { status: 'warn', observed: where(doc8, layer, lower), meaning: REPAIRED };
    }));

    await run('new-group-placement', 'A new group lands at the top of the document', REPAIRED, () => inDoc(doc8, async () => {
      const { lower } = await nestedSelection(ps, doc8, 'check V');
      const group = (await doc8.createLayerGroup({ name: 'check G' }))!;
      return doc8.layers[0]!.id === group.id
        ? { status: 'pass', observed: 'at the top', meaning: REPAIRED }
        : { status: 'warn', observed: where(doc8, group, lower), meaning: REPAIRED };
    }));

    await run('place-inside', 'Moving a layer inside a group puts it at the top of the group', REPAIRED, () => inDoc(doc8, async () => {
      const group = (await doc8.createLayerGroup({ name: 'check W' }))!;
      const a = (await doc8.createPixelLayer({ name: 'check W1' }))!;
      a.move(group, ps.constants.ElementPlacement.PLACEINSIDE);
      const b = (await doc8.createPixelLayer({ name: 'check W2' }))!;
      b.move(group, ps.constants.ElementPlacement.PLACEINSIDE);
      const children = [...(group.layers ?? [])].map((l) => l.id);
      return children[0] === b.id && children.includes(a.id)
        ? { status: 'pass', observed: 'at the top of the group', meaning: REPAIRED }
        : { status: 'warn', observed: children.includes(b.id) ? `at position ${children.indexOf(b.id) + 1} of ${children.length} in the group` : 'outside the group', meaning: REPAIRED };
    }));

    await run('mask', 'putLayerMask with replace: false paints into the existing mask', 'Planewise\'s frame masks would be wrong: the result would not match the composite.', () => inDoc(doc8, async () => {
      const layer = (await doc8.createPixelLayer({ name: 'check M' }))!;
      await addRevealAllMask(ps, layer);
      const data = await maskImageData(ps, new Uint8Array(16 * 16), 16, 16);
      try {
        await ps.imaging.putLayerMask({ documentID: doc8.id, layerID: layer.id, kind: 'user', imageData: data, replace: false, targetBounds: { left: 8, top: 8, right: 24, bottom: 24 } });
      } finally {
        await data.dispose();
      }
      const read = await ps.imaging.getLayerMask({ documentID: doc8.id, layerID: layer.id, kind: 'user', sourceBounds: { left: 0, top: 0, right: 32, bottom: 32 } });
      let values: Uint8Array | Uint16Array;
      let full: number;
      try {
        values = (await read.imageData.getData({ chunky: true })) as Uint8Array;
        full = read.imageData.componentSize === 16 ? PS_16BIT_MAX : 255;
      } finally {
        await read.imageData.dispose();
      }
      const w = read.sourceBounds.right - read.sourceBounds.left;
      const at = (x: number, y: number) => values[(y - read.sourceBounds.top) * w + (x - read.sourceBounds.left)]!;
      const inside = at(15, 15), outside = at(2, 2);
      return inside === 0 && outside === full
        ? { status: 'pass', observed: 'the written square is black, the rest still white', meaning: 'Planewise writes each frame\'s mask tile by tile.' }
        : { status: 'fail', observed: `written square ${inside}, rest ${outside} (expected 0 and ${full})`, meaning: 'Planewise\'s frame masks would be wrong: the result would not match the composite.' };
    }));

    await run('target-size', 'getPixels with targetSize returns the requested area, downscaled', 'Alignment would compare the wrong parts of the frames.', () => inDoc(doc8, async () => {
      const { width: W, height: H } = CHECK_SIZE;
      const layer = (await doc8.createPixelLayer({ name: 'check T' }))!;
      // White, with a black square whose centre is at (3/4 W, 1/2 H).
      const s = W / 8;
      const pixels = new Uint8Array(W * H * 3).fill(255);
      for (let y = H / 2 - s / 2; y < H / 2 + s / 2; y++) for (let x = (3 * W) / 4 - s / 2; x < (3 * W) / 4 + s / 2; x++) pixels.fill(0, (y * W + x) * 3, (y * W + x) * 3 + 3);
      const data = await pixelImageData(ps, pixels, W, H, 3);
      try {
        await ps.imaging.putPixels({ documentID: doc8.id, layerID: layer.id, imageData: data, replace: true });
      } finally {
        await data.dispose();
      }
      const area = { left: W / 2, top: H / 4, right: W, bottom: (3 * H) / 4 };
      const read = await ps.imaging.getPixels({ documentID: doc8.id, layerID: layer.id, sourceBounds: area, targetSize: { width: W / 8 }, componentSize: 8 });
      let centre: [number, number] | undefined;
      const { width: w, height: h, components: C } = read.imageData;
      try {
        centre = darkCentre((await read.imageData.getData({ chunky: true })) as Uint8Array, w, h, C);
      } finally {
        await read.imageData.dispose();
      }
      const sb = read.sourceBounds;
      const levelCoordinates = sb.right - sb.left === w;
      const detail = `level ${read.level}, ${w}×${h}, bounds in ${levelCoordinates ? 'that level\'s' : 'other'} coordinates`;
      // Map the image onto the requested area: the square must be where it is on the canvas.
      const found = centre && [area.left + (centre[0] * (area.right - area.left)) / w, area.top + (centre[1] * (area.bottom - area.top)) / h];
      const tolerance = (2 * (area.right - area.left)) / w;
      const ok = found && Math.abs(found[0]! - (3 * W) / 4) <= tolerance && Math.abs(found[1]! - H / 2) <= tolerance;
      return ok
        ? { status: 'pass', observed: detail, meaning: 'Planewise aligns on downscaled reads from Photoshop\'s cached pyramid.' }
        : { status: 'fail', observed: `${detail}; the test square appeared at ${found ? found.map(Math.round).join(', ') : 'no place'} instead of ${(3 * W) / 4}, ${H / 2}`, meaning: 'Alignment would compare the wrong parts of the frames.' };
    }));

    await run('transparency', 'Reads show transparency, so transparent pixels are treated as no data', 'Transparent areas (after Auto-Align) could be fused as black or white content.', () => inDoc(doc8, async () => {
      const { width: W, height: H } = CHECK_SIZE;
      const layer = (await doc8.createPixelLayer({ name: 'check Q' }))!;
      // Two opaque blocks with transparency between them: the larger is the usable area.
      const big = { left: 0, top: 0, width: W / 2, height: H };
      const rgba = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (x >= big.width && !(x >= (3 * W) / 4 && y < H / 4)) continue;
          rgba.set([128, 128, 128, 255], (y * W + x) * 4);
        }
      }
      const data = await ps.imaging.createImageDataFromBuffer(rgba, { width: W, height: H, components: 4, colorSpace: 'RGB', chunky: true });
      try {
        await ps.imaging.putPixels({ documentID: doc8.id, layerID: layer.id, imageData: data, replace: true });
      } finally {
        await data.dispose();
      }
      const hole = await ps.imaging.getPixels({ documentID: doc8.id, layerID: layer.id, sourceBounds: { left: (5 * W) / 8, top: H / 2, right: (7 * W) / 8, bottom: H } });
      const empty = hole.imageData.width === 0 || hole.sourceBounds.right <= hole.sourceBounds.left;
      await hole.imageData.dispose();
      const b = layer.boundsNoEffects;
      const area = await opaqueArea(ps, doc8.id, { id: layer.id, name: layer.name, visible: true, isBackground: false, bounds: { left: b.left, top: b.top, right: b.right, bottom: b.bottom } });
      const inside = area && area.left >= big.left && area.top >= big.top && area.left + area.width <= big.left + big.width && area.top + area.height <= big.top + big.height;
      const observed = `a transparent area reads as ${empty ? 'empty bounds' : 'pixels'}; usable area found: ${area ? rectText(area) : 'none'}`;
      return inside && area.width * area.height >= 0.8 * big.width * big.height
        ? { status: 'pass', observed, meaning: 'Planewise crops its result to where every frame has pixels.' }
        : { status: 'fail', observed: `${observed} (expected inside ${rectText(big)})`, meaning: 'Transparent areas (after Auto-Align) could be fused as content: crop such frames by hand before stacking.' };
    }));

    await run('rollback', 'A command that throws is rolled back by Photoshop', 'A cancelled run could leave half-written layers behind: undo them with Edit ▸ Undo.', async () => {
      const count = () => collectLayers(doc8.layers, () => true).length;
      const before = count();
      await ps.core.executeAsModal(async (ctx) => {
        await ctx.hostControl.suspendHistory({ documentID: doc8.id, name: NAME });
        await doc8.createPixelLayer({ name: 'check R' });
        throw new SelfCheckProbe('roll back');
      }, { commandName: NAME }).catch(() => undefined);
      return count() === before
        ? { status: 'pass', observed: 'rolled back', meaning: 'A failed or cancelled run leaves the document as it was.' }
        : { status: 'fail', observed: 'the change stayed', meaning: 'A cancelled run could leave half-written layers behind: undo them with Edit ▸ Undo.' };
    });

    await run('range-16', '16-bit pixels run from 0 to 32768', '16-bit results would come out too dark or clipped.', async () => {
      const doc16 = await open(16, 'white', { width: 8, height: 8 });
      return inDoc(doc16, async () => {
        const background = doc16.layers[doc16.layers.length - 1]!;
        const white = await ps.imaging.getPixels({ documentID: doc16.id, layerID: background.id, sourceBounds: { left: 0, top: 0, right: 1, bottom: 1 } });
        let max: number;
        try {
          max = ((await white.imageData.getData({ chunky: true })) as Uint16Array)[0]!;
        } finally {
          await white.imageData.dispose();
        }
        return max === PS_16BIT_MAX
          ? { status: 'pass', observed: `white reads ${max}`, meaning: 'Planewise converts 16-bit data to and from Photoshop\'s range.' }
          : { status: 'fail', observed: `white reads ${max}, not ${PS_16BIT_MAX}`, meaning: '16-bit results would come out too dark or clipped.' };
      });
    });

    for (const depth of [8, 16] as const) {
      await run(depth === 8 ? 'stack-8' : 'stack-16', `A small ${depth}-bit stack comes out right`, 'Stacking may fail or give wrong pixels in this Photoshop.', () => miniStack(ps, options.kernels, depth, open, depth === 8 ? add : undefined));
    }

    const big = await open(8, 'white', SPEED_SIZE);
    await run('speed', 'Reading and writing pixels', '', () => inDoc(big, async () => {
      const { width: W, height: H } = SPEED_SIZE;
      const layer = (await big.createPixelLayer({ name: 'check S' }))!;
      const data = await pixelImageData(ps, new Uint8Array(W * H * 3).fill(90), W, H, 3);
      const t1 = Date.now();
      try {
        await ps.imaging.putPixels({ documentID: big.id, layerID: layer.id, imageData: data, replace: true });
      } finally {
        await data.dispose();
      }
      const t2 = Date.now();
      const read = await ps.imaging.getPixels({ documentID: big.id, layerID: layer.id, sourceBounds: { left: 0, top: 0, right: W, bottom: H } });
      await read.imageData.getData({ chunky: true });
      await read.imageData.dispose();
      const t3 = Date.now();
      const mp = (W * H) / 1e6;
      return {
        status: 'info',
        observed: `getPixels ${Math.round((t3 - t2) / mp)} ms, putPixels ${Math.round((t2 - t1) / mp)} ms per megapixel (8-bit)`,
        meaning: 'Each frame is read about twice and each output layer written once, so these times, not the engine, may set the pace for large stacks.',
      };
    }));
  } finally {
    await inModalScope(ps, { name: NAME }, async () => {
      for (const doc of scratch) doc.closeWithoutSaving();
      if (user && ps.app.activeDocument?.id !== user.id) ps.app.activeDocument = user;
    }).catch(() => undefined);
  }

  const kind = options.kernels.kind;
  add(kind === 'wasm-simd'
    ? { id: 'kernels', status: 'pass', title: 'The WebAssembly kernels load (SIMD build)', observed: 'SIMD build loaded', meaning: 'Planewise runs at full speed.' }
    : { id: 'kernels', status: 'warn', title: 'The WebAssembly kernels load (SIMD build)', observed: `${kind === 'wasm-scalar' ? 'scalar build' : 'TypeScript kernels'}${options.kernelNotice ? ` (${options.kernelNotice})` : ''}`, meaning: kind === 'wasm-scalar' ? 'Stacking works, about half as fast.' : 'Stacking works, several times slower.' });
  return finish();
}

/**
 * Three frames of a fine pattern, each sharp in one third and blurred elsewhere, in a scratch document
 * whose selection sits in a group of its own (where batchPlay-like placement would put new layers), stacked
 * by the real PhotoshopHost. Checks the result layers' order (reported as 'result-layout' by the 8-bit run)
 * and that the composite is sharper than any frame.
 */
async function miniStack(
  ps: Photoshop, kernels: Kernels, depth: 8 | 16,
  open: (depth: 8 | 16, fill: 'white' | 'transparent', size: { width: number; height: number }) => Promise<PsDocument>,
  report?: (line: CheckLine) => void,
): Promise<Omit<CheckLine, 'id' | 'title'>> {
  const { width: W, height: H } = STACK_SIZE;
  const doc = await open(depth, 'transparent', STACK_SIZE);
  const pattern = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pattern[y * W + x] = 0.5 + 0.35 * Math.sign(Math.sin(x / 2.2) * Math.sin(y / 2.2));
  const blurred = boxBlur(pattern, W, H, 3);
  const frames = [0, 1, 2].map((k) => pattern.map((v, i) => (Math.floor(((i % W) * 3) / W) === k ? v : blurred[i]!)));
  const full = fullScale(depth);
  await inModalScope(ps, { name: NAME }, async () => {
    if (ps.app.activeDocument?.id !== doc.id) ps.app.activeDocument = doc;
    for (const [k, frame] of frames.entries()) {
      const layer = (await doc.createPixelLayer({ name: `check frame ${k + 1}` }))!;
      const samples = depth === 16 ? new Uint16Array(W * H * 3) : new Uint8Array(W * H * 3);
      frame.forEach((v, i) => samples.fill(Math.round(v * full), i * 3, i * 3 + 3));
      const data = await pixelImageData(ps, samples, W, H, 3);
      try {
        await ps.imaging.putPixels({ documentID: doc.id, layerID: layer.id, imageData: data, replace: true });
      } finally {
        await data.dispose();
      }
    }
    await nestedSelection(ps, doc, 'check notes');
  });
  const t = Date.now();
  const result = await new PhotoshopHost(ps, kernels).stack({ options: { mode: 'depthmap', alignment: 'none' } });
  const seconds = (Date.now() - t) / 1000;

  const group = doc.layers[0]!;
  const children = [...(group.layers ?? [])].map((l) => l.name);
  const expected = [LAYER_NAMES.composite('depthmap'), ...findStack(ps).entries.filter((e) => e.usable).map((e) => alignedName(e.name)).reverse()];
  const layoutOk = String(group.kind) === 'group' && isResultGroupName(group.name) && JSON.stringify(children) === JSON.stringify(expected);
  report?.({
    id: 'result-layout', title: 'Result layers in order, in one group at the top',
    status: layoutOk ? 'pass' : 'fail',
    observed: layoutOk ? 'as intended' : `top item "${group.name}" holding ${children.join(', ') || 'nothing'}`,
    meaning: layoutOk ? 'Planewise put every layer where it belongs, whatever Photoshop did with new layers.' : 'The layered result would be out of order: please report this.',
  });

  // The composite, read back: sharper than every frame means fusion and writing both worked.
  const composite = collectLayers(doc.layers, (l) => isCompositeName(l.name))[0];
  if (!composite) return { status: 'fail', observed: 'no composite layer', meaning: 'Stacking may fail or give wrong pixels in this Photoshop.' };
  const values = await inModalScope(ps, { name: NAME }, () => readGray(ps, doc.id, composite, result.crop));
  const crop = (image: Float32Array) => {
    const out = new Float32Array(result.crop.width * result.crop.height);
    for (let y = 0; y < result.crop.height; y++) for (let x = 0; x < result.crop.width; x++) out[y * result.crop.width + x] = image[(result.crop.top + y) * W + result.crop.left + x]!;
    return out;
  };
  const truth = crop(pattern);
  const error = meanAbs(values.gray, truth);
  const best = Math.min(...frames.map((f) => meanAbs(crop(f), truth)));
  const ok = values.max <= 1 + 1e-6 && error < 0.6 * best;
  const observed = `${seconds.toFixed(1)} s; composite error ${(error * 100).toFixed(1)} % against the best frame's ${(best * 100).toFixed(1)} %${values.max > 1 ? `; values above full scale (${values.max.toFixed(2)})` : ''}`;
  return ok
    ? { status: 'pass', observed, meaning: 'Reading, fusing and writing work end to end in this Photoshop.' }
    : { status: 'fail', observed, meaning: 'Stacking gives wrong pixels in this Photoshop: please report this.' };
}

/** A layer's pixels over `rect`, as luminance 0..1 (first channel) with the largest value seen. */
async function readGray(ps: Photoshop, documentID: number, layer: PsLayer, rect: Rect): Promise<{ gray: Float32Array; max: number }> {
  const read = await ps.imaging.getPixels({ documentID, layerID: layer.id, sourceBounds: toBounds(rect) });
  try {
    const data = await read.imageData.getData({ chunky: true });
    const full = read.imageData.componentSize === 16 ? PS_16BIT_MAX : 255;
    const C = read.imageData.components;
    const sb = read.sourceBounds;
    const w = sb.right - sb.left;
    const gray = new Float32Array(rect.width * rect.height);
    let max = 0;
    for (let y = 0; y < rect.height; y++) {
      for (let x = 0; x < rect.width; x++) {
        const v = data[((rect.top + y - sb.top) * w + (rect.left + x - sb.left)) * C]! / full;
        gray[y * rect.width + x] = v;
        max = Math.max(max, v);
      }
    }
    return { gray, max };
  } finally {
    await read.imageData.dispose();
  }
}

/**
 * A group holding two layers, with the lower one selected: the place where a Photoshop that puts new
 * layers above the selection would nest them.
 */
async function nestedSelection(ps: Photoshop, doc: PsDocument, name: string): Promise<{ group: PsLayer; lower: PsLayer }> {
  const group = (await doc.createLayerGroup({ name }))!;
  const lower = (await doc.createPixelLayer({ name: `${name} lower` }))!;
  moveToTopOfGroup(ps, lower, group);
  const upper = (await doc.createPixelLayer({ name: `${name} upper` }))!;
  moveToTopOfGroup(ps, upper, group);
  await ps.action.batchPlay([{ _obj: 'select', _target: [{ _ref: 'layer', _id: lower.id }], makeVisible: false }], {});
  return { group, lower };
}

/** Where a new layer landed, in words. */
function where(doc: PsDocument, layer: PsLayer, selected: PsLayer): string {
  const top = [...doc.layers];
  const index = top.findIndex((l) => l.id === layer.id);
  if (index >= 0) return `at position ${index + 1} of ${top.length} of the document`;
  const parent = collectLayers(doc.layers, (l) => Boolean(l.layers && [...l.layers].some((c) => c.id === layer.id)))[0];
  const inside = parent ? [...parent.layers!] : [];
  const above = inside.findIndex((l) => l.id === layer.id) + 1 === inside.findIndex((l) => l.id === selected.id);
  return `inside the group "${parent?.name ?? '?'}"${above ? ', directly above the selected layer' : ''}`;
}

class SelfCheckProbe extends Error {}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

function rectText(r: Rect): string {
  return `${r.width}×${r.height} at ${r.left}, ${r.top}`;
}

/** Centre of the dark pixels (first channel below half), in image pixel units (pixel centres at +0.5). */
function darkCentre(data: Uint8Array, w: number, h: number, C: number): [number, number] | undefined {
  let sx = 0, sy = 0, n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[(y * w + x) * C]! < 128) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
    }
  }
  return n ? [sx / n, sy / n] : undefined;
}

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) { s += src[yy * w + xx]!; n++; }
      out[y * w + x] = s / n;
    }
  }
  return out;
}

function meanAbs(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' };

/** The report as plain text: a header, then each line with what was seen and what it means. */
function formatReport(lines: CheckLine[], seconds: number, hostVersion?: string): string {
  const counts = (['fail', 'warn'] as const).map((s) => `${lines.filter((l) => l.status === s).length} ${s === 'fail' ? 'failed' : 'warnings'}`).join(', ');
  const header = [`${NAME}${hostVersion ? ` — Photoshop ${hostVersion}` : ''}`, `${counts}; ${seconds.toFixed(1)} s`];
  return [...header, '', ...lines.map((l) => `${LABELS[l.status]}  ${l.title}: ${l.observed}.\n      ${l.meaning}`)].join('\n');
}
