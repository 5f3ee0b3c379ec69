// `npm run bench -- --photoshop`: the Photoshop path measured through the fake Photoshop (test/fake-photoshop).
// The 24 MP x 20 stack of the large bench is loaded as the layers of an 8-bit RGB document and stacked by
// PhotoshopHost exactly as the panel does it (single-threaded, wasm SIMD kernels, the host's 192 MiB budget),
// once per layer output; then a 60-frame deep stack at 6 MP checks the masked slab layers and the document
// growth of each layer output. Each run is a child process (GNU time gives its peak RSS, fake included).
//
// What a run reports, and how it is separated from the fake (which stands for Photoshop):
// - time: every call into the fake (imaging, image data getData/dispose, DOM methods and getters, batchPlay,
//   history suspension) is timed by wrappers put around the fake's own functions; the plugin's share is the
//   wall time minus that. Photoshop's own per-megapixel costs are unknown here: the panel's self-check
//   ("Reading and writing pixels") measures them on a real machine, and they come on top.
// - calls and bytes crossing getPixels (bytes as copied out by getData), putPixels and putLayerMask.
// - memory: the wasm memory (the engine's arena lives in it; counted by V8 as external, not as array
//   buffers) plus the peak JS growth of the plugin, i.e. heapUsed + arrayBuffers minus what the fake holds at
//   that moment (its document's pixel and mask arrays, its history snapshot, and the image data it made until
//   they are collected, tracked with a FinalizationRegistry), sampled at every call into the fake.
//
// A reference run of the CLI on the same stack with the same budget and one thread (composite only, TIFF)
// shows what the engine costs with file I/O instead of the fake.
//
// Options (after `--photoshop`): --runs <list> (default: cli,none,slabs,frames,depthmap-none,deep-slabs,
// deep-frames,deep-none), --frames <n> (use the first n frames of the 24 MP stack, for a quick look),
// --natural-gc (leave garbage collection to V8: JS memory then includes uncollected garbage).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { LayerOutput } from '../src/engine/options.js';
import type { FusionMode } from '../src/engine/options.js';
import { packageRoot } from '../src/host-bridge/files/index.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { documentGrowth } from '../src/host-bridge/photoshop/growth.js';
import { PhotoshopHost } from '../src/host-bridge/photoshop/host.js';
import { createFakePhotoshop, type FakePhotoshop } from '../test/fake-photoshop/index.js';
import { FakeDocument, FakeLayer, type DocData, type LayerData } from '../test/fake-photoshop/document.js';
import type { FakeImageData } from '../test/fake-photoshop/image-data.js';
import { layersFromFrames } from '../test/helpers/photoshop-fixtures.js';
import { largeStack, LARGE_RECIPE, measure } from './large.js';
import { printTable, type Row } from './table.js';

const root = packageRoot();
const MiB = 1024 * 1024;

/** One child run: which stack, how it is fused, and what it writes. */
interface RunConfig {
  label: string;
  stack: 'large' | 'deep';
  mode: FusionMode;
  layers: LayerOutput;
  /** Frames of the large stack to use (all 20 unless --frames). */
  frames?: number;
  /** Leave garbage collection to V8 (--natural-gc): JS memory then includes uncollected garbage. */
  naturalGc?: boolean;
}

const RUNS: Record<string, Omit<RunConfig, 'frames'>> = {
  'none': { label: '24 MP x 20, hybrid, layers none', stack: 'large', mode: 'hybrid', layers: 'none' },
  'slabs': { label: '24 MP x 20, hybrid, layers slabs', stack: 'large', mode: 'hybrid', layers: 'slabs' },
  'frames': { label: '24 MP x 20, hybrid, layers frames', stack: 'large', mode: 'hybrid', layers: 'frames' },
  'depthmap-none': { label: '24 MP x 20, depth map, layers none', stack: 'large', mode: 'depthmap', layers: 'none' },
  'deep-slabs': { label: '6 MP x 60, depth map, layers slabs', stack: 'deep', mode: 'depthmap', layers: 'slabs' },
  'deep-frames': { label: '6 MP x 60, depth map, layers frames', stack: 'deep', mode: 'depthmap', layers: 'frames' },
  'deep-none': { label: '6 MP x 60, depth map, layers none', stack: 'deep', mode: 'depthmap', layers: 'none' },
};

/** The deep stack: each 24 MP frame halved to 6 MP and used three times in place, shifted a few pixels. */
const DEEP = { width: 2832, height: 2124, copies: 3, margin: 8, shifts: [[0, 0], [4, 3], [2, 6]] as const };

/** What a child prints (JSON on stdout). */
interface ChildReport {
  frames: number;
  width: number;
  height: number;
  wallS: number;
  fakeS: number;
  /** The bench's own sampling (forced collections included), inside the wall time. */
  overheadS: number;
  /** CPU seconds of the process during the run, and of the fake's and the bench's parts of it. */
  cpu: { totalS: number; fakeS: number; overheadS: number };
  seconds: { align: number; fuse: number };
  profile: Record<string, number>;
  tiles: number;
  crop: { width: number; height: number };
  /** Per API: calls, bytes and pixels crossing, seconds inside the fake. */
  calls: Record<string, { calls: number; bytes: number; pixels: number; seconds: number }>;
  arenaPeakBytes: number;
  wasmBytes: number;
  jsPeakBytes: number;
  fake: { documentBytes: number; peakBytes: number; growthBytes: number };
  growthEstimateBytes: number;
  resultLayers: { name: string; mask: boolean; visible: boolean }[];
  /** Deep slab runs: how far the masked slabs alone are from the composite, in 8-bit steps. */
  masks?: { worst: number; mean: number; over2: number };
}

export async function runPhotoshopBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--photoshop'),
    options: { runs: { type: 'string' }, frames: { type: 'string' }, 'natural-gc': { type: 'boolean', default: false } },
  });
  const names = values.runs ? values.runs.split(',') : ['cli', ...Object.keys(RUNS)];
  for (const n of names) if (!RUNS[n] && n !== 'cli') throw new Error(`unknown run "${n}": choose from cli, ${Object.keys(RUNS).join(', ')}`);
  const stackDir = await largeStack();
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  console.log(`\nThe Photoshop path through the fake Photoshop: ${stackDir}`);
  console.log(`Commit ${commit}, node ${process.version}; PhotoshopHost.stack single-threaded, wasm-simd, the host's 192 MiB tile budget.`);
  console.log('"in fake" = time inside the fake\'s functions (Photoshop\'s share, whose real cost is unknown here: the self-check measures');
  console.log('getPixels/putPixels per megapixel on a real machine); "bench" = the bench\'s memory sampling (forced collections included);');
  console.log('"plugin" = wall - in fake - bench: the estimate, without Photoshop\'s own costs.\n');

  const child = fileURLToPath(import.meta.url);
  const work = join(root, 'build', 'bench-photoshop-run');
  const rows: Row[] = [];
  const memoryRows: Row[] = [];
  const callRows: Row[] = [];
  const checks: string[] = [];
  for (const name of names) {
    if (name === 'cli') {
      rows.push(await cliReference(stackDir, work));
      continue;
    }
    const config: RunConfig = {
      ...RUNS[name]!,
      ...(values.frames && RUNS[name]!.stack === 'large' ? { frames: Number(values.frames) } : {}),
      ...(values['natural-gc'] ? { naturalGc: true } : {}),
    };
    rmSync(work, { recursive: true, force: true });
    const load = loadavg()[0]!.toFixed(2);
    let report: ChildReport;
    let rssMiB: number;
    try {
      const cost = await measure([process.execPath, '--expose-gc', child, JSON.stringify({ ...config, stackDir })], work);
      report = cost.json as unknown as ChildReport;
      rssMiB = cost.maxRssMiB;
    } catch (error) {
      console.log(`  ${config.label}: failed: ${(error as Error).message}`);
      rows.push({ run: config.label, 'wall s': `failed: ${(error as Error).message}` });
      continue;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const label = `${config.label}${config.frames ? ` (first ${report.frames})` : ''}`;
    const plugin = report.wallS - report.fakeS - report.overheadS;
    const pluginMiB = (report.wasmBytes + report.jsPeakBytes) / MiB;
    rows.push({
      run: label,
      'wall s': report.wallS.toFixed(1),
      'in fake s': report.fakeS.toFixed(1),
      'bench s': report.overheadS.toFixed(1),
      'plugin s': plugin.toFixed(1),
      'plugin CPU s': (report.cpu.totalS - report.cpu.fakeS - report.cpu.overheadS).toFixed(1),
      'align s': report.seconds.align.toFixed(1),
      'fuse s': report.seconds.fuse.toFixed(1),
      tiles: String(report.tiles),
      'layers added': String(report.resultLayers.length),
      'load (1 min) before': load,
    });
    memoryRows.push({
      run: label,
      'arena peak MiB': (report.arenaPeakBytes / MiB).toFixed(0),
      'wasm memory MiB': (report.wasmBytes / MiB).toFixed(0),
      [values['natural-gc'] ? 'JS peak growth MiB (garbage incl.)' : 'JS live peak growth MiB']: (report.jsPeakBytes / MiB).toFixed(0),
      'plugin MiB': pluginMiB.toFixed(0),
      'fake: frames MiB': (report.fake.documentBytes / MiB).toFixed(0),
      'fake: peak MiB': (report.fake.peakBytes / MiB).toFixed(0),
      'document growth MiB': (report.fake.growthBytes / MiB).toFixed(0),
      'growth estimate MiB': (report.growthEstimateBytes / MiB).toFixed(0),
      'process peak RSS MiB': rssMiB.toFixed(0),
    });
    const call = (api: string) => report.calls[api] ?? { calls: 0, bytes: 0, pixels: 0, seconds: 0 };
    const cell = (api: string) => `${call(api).calls} / ${(call(api).bytes / MiB).toFixed(0)} / ${(call(api).pixels / 1e6).toFixed(0)} / ${call(api).seconds.toFixed(1)}`;
    callRows.push({
      run: label,
      'getPixels': cell('getPixels'),
      'putPixels': cell('putPixels'),
      'putLayerMask': cell('putLayerMask'),
      'createImageDataFromBuffer': cell('createImageDataFromBuffer'),
      'other calls (n / s)': `${call('other').calls} / ${call('other').seconds.toFixed(1)}`,
    });
    console.log(`  ${label}: ${report.wallS.toFixed(1)} s wall, ${report.fakeS.toFixed(1)} s in the fake, ${report.overheadS.toFixed(1)} s sampling; plugin ${plugin.toFixed(1)} s and ${pluginMiB.toFixed(0)} MiB (load ${load})`);
    printTable(`Engine profile: ${label} (seconds per stage; read and write include the fake's calls)`, Object.entries(report.profile)
      .sort((a, b) => b[1] - a[1]).map(([stage, s]) => ({ stage, s: s.toFixed(1) })));
    if (report.masks) {
      const slabs = report.resultLayers.filter((l) => l.name.startsWith('Slab'));
      checks.push(`${label}: ${slabs.length} slab layers, ${slabs.filter((l) => l.mask && l.visible).length} visible with masks; masked slabs alone vs the composite: worst ${report.masks.worst.toFixed(2)}, mean ${report.masks.mean.toFixed(3)} (8-bit steps), ${(100 * report.masks.over2).toFixed(3)} % of samples off by more than 2`);
    }
  }
  printTable('The Photoshop path through the fake Photoshop: time', rows);
  printTable('Memory: plugin = wasm memory + peak JS growth not held by the fake; the fake\'s arrays stand for Photoshop\'s document', memoryRows);
  printTable('Calls crossing into Photoshop: calls / MiB / megapixels / seconds inside the fake (getPixels bytes as copied out by getData)', callRows);
  console.log('\nPhotoshop\'s own cost comes on top of "plugin s": about (getPixels MP) x its ms per MP + (putPixels + putLayerMask MP) x');
  console.log('putPixels\' ms per MP, with the per-MP times the panel\'s self-check reports ("Reading and writing pixels") on a real machine.');
  if (checks.length) console.log(`\nDeep stack, layers slabs:\n${checks.map((c) => `- ${c}`).join('\n')}`);
}

/** The CLI on the same stack, the same budget and one thread, composite only: the engine with file I/O. */
async function cliReference(stackDir: string, work: string): Promise<Row> {
  const run = 'reference: CLI, 24 MP x 20, hybrid, composite TIFF, 1 thread, --memory 192';
  rmSync(work, { recursive: true, force: true });
  const load = loadavg()[0]!.toFixed(2);
  try {
    const cost = await measure([process.execPath, join(root, 'bin', 'planewise.js'), 'stack', stackDir, '--mode', 'hybrid', '--composite', 'out/composite.tif',
      '--json', '--threads', '1', '--memory', '192'], work);
    console.log(`  ${run}: ${cost.wall.toFixed(1)} s wall, ${cost.cpu.toFixed(1)} s CPU, ${cost.maxRssMiB.toFixed(0)} MiB peak RSS (load ${load})`);
    if (cost.json?.profile) printTable(`Engine profile: ${run}`, Object.entries(cost.json.profile).sort((a, b) => b[1] - a[1]).map(([stage, s]) => ({ stage, s: s.toFixed(1) })));
    return {
      run, 'wall s': cost.wall.toFixed(1), 'plugin s': cost.wall.toFixed(1), 'plugin CPU s': cost.cpu.toFixed(1),
      'align s': cost.json?.seconds?.align?.toFixed(1) ?? '', 'fuse s': cost.json?.seconds?.fuse?.toFixed(1) ?? '', tiles: String(cost.json?.tiles ?? ''),
      'load (1 min) before': load,
    };
  } catch (error) {
    return { run, 'wall s': `failed: ${(error as Error).message}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- one run, in a child process -----------------------------------------------------------------------------

type Gc = (options?: { type: 'minor' }) => void;

/** How often a sample collects the old generation too (each takes tens of milliseconds on this machine). */
const FULL_GC_MS = 1000;

async function childMain(config: RunConfig & { stackDir: string }): Promise<void> {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) throw new Error('run the child with --expose-gc');
  const { ps, docId, names, width, height } = await loadDocument(config);
  gc();
  const meter = instrument(ps, docId, gc, !config.naturalGc);
  const kernels = await loadNodeKernels('wasm-simd');
  if (kernels.kind !== 'wasm-simd') throw new Error(`wanted the wasm-simd kernels, got ${kernels.kind}`);
  const documentBytes = meter.documentBytes();
  gc();
  meter.startMemory();
  const host = new PhotoshopHost(ps.module, kernels, { depthLayer: false, hideSources: config.stack === 'deep' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await host.stack({ options: { mode: config.mode, layers: config.layers } });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuMs(cpu0) / 1000;
  meter.sample(true);
  const growthBytes = meter.documentBytes() - documentBytes;

  const group = ps.doc(docId).layers[0]!;
  const resultLayers = (group.children ?? []).map((l) => ({ name: l.name, mask: Boolean(l.mask), visible: l.visible }));
  const report: ChildReport = {
    frames: names.length,
    width,
    height,
    wallS,
    fakeS: meter.fakeSeconds(),
    overheadS: meter.overheadSeconds(),
    cpu: { totalS: cpuS, fakeS: meter.fakeCpuSeconds(), overheadS: meter.overheadCpuSeconds() },
    seconds: { align: result.seconds.align, fuse: result.seconds.fuse },
    profile: result.profile as Record<string, number>,
    tiles: result.tiles,
    crop: { width: result.crop.width, height: result.crop.height },
    calls: meter.calls,
    arenaPeakBytes: result.arenaPeakBytes,
    wasmBytes: kernels.arena.memory.buffer.byteLength,
    jsPeakBytes: meter.jsPeak(),
    fake: { documentBytes, peakBytes: meter.fakePeak(), growthBytes },
    growthEstimateBytes: documentGrowth({ width, height, channels: 3, bitDepth: 8 }, names.length, result.settings, { depthLayer: false }),
    resultLayers,
    // Masked slabs reproduce the depth-map composite (in pyramid runs they sit under the pyramid composite).
    ...(config.layers === 'slabs' && config.mode === 'depthmap' ? { masks: maskCheck(ps, docId, group, result.crop) } : {}),
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

/** The stack as an 8-bit RGB document in a fresh fake Photoshop, first frame at the bottom. */
async function loadDocument(config: RunConfig & { stackDir: string }) {
  const files = readdirSync(config.stackDir).filter((f) => f.endsWith('.jpg')).sort().slice(0, config.frames ?? undefined);
  const frames: Uint8Array[] = [];
  const names: string[] = [];
  let width: number = LARGE_RECIPE.width, height: number = LARGE_RECIPE.height;
  for (const f of files) {
    if (config.stack === 'large') {
      frames.push(new Uint8Array(await sharp(join(config.stackDir, f)).removeAlpha().raw().toBuffer()));
      names.push(f.replace('.jpg', ''));
      continue;
    }
    width = DEEP.width;
    height = DEEP.height;
    const half = await sharp(join(config.stackDir, f)).resize(DEEP.width + DEEP.margin, DEEP.height + DEEP.margin).removeAlpha().raw().toBuffer();
    for (const [c, [dx, dy]] of DEEP.shifts.entries()) {
      const raw = { raw: { width: DEEP.width + DEEP.margin, height: DEEP.height + DEEP.margin, channels: 3 as const } };
      frames.push(new Uint8Array(await sharp(half, raw).extract({ left: dx, top: dy, width: DEEP.width, height: DEEP.height }).raw().toBuffer()));
      names.push(`${f.replace('.jpg', '')}_${c}`);
    }
  }
  const ps = createFakePhotoshop();
  const doc = ps.openDocument({ width, height, bits: 8, mode: 'RGBColorMode', name: 'bench', layers: layersFromFrames(frames, names) });
  frames.length = 0;
  return { ps, docId: doc.id, names, width, height };
}

/** CPU milliseconds (user + system, every thread of the process) since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Bytes of pixel and mask arrays in a document's layers. */
function layerBytes(doc: DocData): number {
  let total = 0;
  const visit = (layers: LayerData[]) => {
    for (const l of layers) {
      total += (l.rgba?.byteLength ?? 0) + (l.mask?.byteLength ?? 0);
      if (l.children) visit(l.children);
    }
  };
  visit(doc.layers);
  return total;
}

/**
 * Wraps the fake's functions to count and time the calls into it, and to sample memory at each of them.
 * The wrappers live here, not in the adapter or the fake.
 */
function instrument(ps: FakePhotoshop, docId: number, gc: Gc, forcedGc: boolean) {
  const calls: ChildReport['calls'] = {};
  let fakeMs = 0;
  let madeBytes = 0; // image data the fake made and history snapshots it keeps, until they are disposed / dropped
  let baseline = 0;
  let jsPeak = 0;
  let fakePeak = 0;
  let measuring = false;
  let overheadMs = 0, overheadCpuMs = 0; // the sampling itself, forced collections included: the bench's, not the plugin's
  let fakeCpuMs = 0;
  const documentBytes = () => layerBytes(ps.doc(docId));
  const fakeBytes = () => documentBytes() + madeBytes;
  let lastFullGc = 0;
  /**
   * Memory now. With forcedGc, garbage is collected first: the young generation (where a tile's short-lived
   * buffers die) at every sample, everything every FULL_GC_MS and at the end. So the figure is what is live
   * plus at most a second's garbage that lived long enough to be promoted: an upper bound.
   * (Disposed image data the plugin still held would count as the plugin's.) Without forcedGc it includes
   * whatever garbage V8 has not collected yet.
   */
  const sample = (final = false) => {
    if (!measuring) return;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    if (forcedGc) {
      // Twice: V8 frees array buffers' memory while it sweeps, which the next collection finishes. (A plain
      // gc() is the full collection: on Node 20, gc({ type: 'major' }) frees no array buffers.)
      const full = final || t0 - lastFullGc >= FULL_GC_MS;
      if (full) lastFullGc = t0;
      for (let i = 0; i < 2; i++) {
        if (full) gc();
        else gc({ type: 'minor' });
      }
    }
    const m = process.memoryUsage();
    const fake = fakeBytes();
    fakePeak = Math.max(fakePeak, fake);
    const js = m.heapUsed + m.arrayBuffers - fake - baseline;
    jsPeak = Math.max(jsPeak, js);
    overheadMs += performance.now() - t0;
    overheadCpuMs += cpuMs(cpu0);
  };
  const counter = (api: string) => (calls[api] ??= { calls: 0, bytes: 0, pixels: 0, seconds: 0 });
  let depth = 0;
  /**
   * Runs one call into the fake and times it. The fake's functions do all their work before their first
   * await (they have none), so the synchronous part is their whole cost; timing up to the promise's
   * settling would also count whatever the engine runs before it next awaits. Calls the fake makes to
   * itself (a method reading a getter) count once, in the outer call. The fake's call log is emptied as
   * we go: it keeps every call's arguments, image data included, which Photoshop does not.
   */
  const timed = <T>(api: string, bytes: (result: Awaited<T>) => number, work: () => T, newCall = true): T => {
    if (depth > 0) return work();
    sample();
    depth++;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let result: T;
    try {
      result = work();
    } finally {
      depth--;
      const ms = performance.now() - t0;
      fakeMs += ms;
      fakeCpuMs += cpuMs(cpu0);
      ps.calls.length = 0;
      const c = counter(api);
      if (newCall) c.calls++;
      c.seconds += ms / 1000;
    }
    const done = (value: Awaited<T>) => {
      counter(api).bytes += bytes(value);
      sample();
      return value;
    };
    return (result instanceof Promise ? result.then(done) : done(result as Awaited<T>)) as T;
  };
  /**
   * Image data the fake made is Photoshop's until disposed; its getData (bytes copied out) and dispose count
   * towards the call that made it.
   */
  const track = (data: FakeImageData, api: string): FakeImageData => {
    const bytes = data.samples.byteLength;
    madeBytes += bytes;
    let disposed = false;
    const getData = data.getData, dispose = data.dispose;
    data.getData = (o) => timed(api, (copy: Uint8Array | Uint16Array | Float32Array) => copy.byteLength, () => getData(o), false);
    data.dispose = () => timed(api, () => 0, () => {
      if (!disposed) madeBytes -= bytes;
      disposed = true;
      return dispose();
    }, false);
    return data;
  };
  const bytesOf = (o: { imageData: unknown }) => (o.imageData as FakeImageData).samples.byteLength;
  const pixelsOf = (data: unknown) => (data as FakeImageData).width * (data as FakeImageData).height;

  const imaging = ps.module.imaging;
  const { getPixels, putPixels, putLayerMask, createImageDataFromBuffer } = { ...imaging };
  imaging.getPixels = async (o) => {
    const r = await timed('getPixels', () => 0, () => getPixels(o));
    counter('getPixels').pixels += pixelsOf(r.imageData);
    track(r.imageData as unknown as FakeImageData, 'getPixels');
    return r;
  };
  const put = (api: string, o: { imageData: unknown }, work: () => Promise<void>) => {
    counter(api).pixels += pixelsOf(o.imageData);
    return timed(api, () => bytesOf(o), work);
  };
  imaging.putPixels = (o) => put('putPixels', o, () => putPixels(o));
  imaging.putLayerMask = (o) => put('putLayerMask', o, () => putLayerMask(o));
  imaging.createImageDataFromBuffer = async (buffer, o) =>
    track((await timed('createImageDataFromBuffer', () => buffer.byteLength, () => createImageDataFromBuffer(buffer, o))) as unknown as FakeImageData, 'createImageDataFromBuffer') as never;
  const batchPlay = ps.module.action.batchPlay;
  ps.module.action.batchPlay = (d, o) => timed('other', () => 0, () => batchPlay(d, o));
  // DOM methods and getters (boundsNoEffects scans a layer; creating a layer allocates it).
  for (const proto of [FakeDocument.prototype, FakeLayer.prototype] as object[]) {
    for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (key === 'constructor') continue;
      if (typeof desc.value === 'function') {
        const fn = desc.value as (...a: unknown[]) => unknown;
        Object.defineProperty(proto, key, { ...desc, value(this: unknown, ...a: unknown[]) { return timed('other', () => 0, () => fn.apply(this, a)); } });
      } else if (desc.get) {
        const get = desc.get;
        Object.defineProperty(proto, key, { ...desc, get(this: unknown) { return timed('other', () => 0, () => get.call(this)); } });
      }
    }
  }
  // History suspension: the fake snapshots the whole document (as Photoshop's history would keep it) into
  // the suspension object it returns; it is dropped when the modal scope ends.
  const executeAsModal = ps.module.core.executeAsModal;
  type Modal = typeof executeAsModal;
  let snapshots = 0;
  ps.module.core.executeAsModal = ((fn: Parameters<Modal>[0], options: Parameters<Modal>[1]) => executeAsModal(async (ctx, descriptor) => {
    const host = ctx.hostControl;
    const suspendHistory = host.suspendHistory.bind(host), resumeHistory = host.resumeHistory.bind(host);
    const wrapped = Object.create(ctx, { hostControl: { value: {
      ...host,
      suspendHistory: (o: Parameters<typeof suspendHistory>[0]) => timed('other', () => 0, () => suspendHistory(o).then((s) => {
        const bytes = layerBytes((s as unknown as { before: DocData }).before);
        snapshots += bytes;
        madeBytes += bytes;
        return s;
      })),
      resumeHistory: (s: Parameters<typeof resumeHistory>[0], commit?: boolean) => timed('other', () => 0, () => resumeHistory(s, commit)),
    } } });
    return fn(wrapped, descriptor);
  }, options).finally(() => {
    madeBytes -= snapshots;
    snapshots = 0;
  })) as Modal;

  return {
    calls,
    documentBytes,
    sample,
    /** From here on, memory is sampled against what the process holds now. */
    startMemory() {
      const m = process.memoryUsage();
      baseline = m.heapUsed + m.arrayBuffers - fakeBytes();
      measuring = true;
    },
    fakeSeconds: () => fakeMs / 1000,
    overheadSeconds: () => overheadMs / 1000,
    fakeCpuSeconds: () => fakeCpuMs / 1000,
    overheadCpuSeconds: () => overheadCpuMs / 1000,
    jsPeak: () => jsPeak,
    fakePeak: () => fakePeak,
  };
}

/**
 * What the user sees with the composite layer hidden (the masked slabs over white, sources hidden) against
 * the composite layer itself, inside the crop: how far the masks are from reproducing the composite.
 */
function maskCheck(ps: FakePhotoshop, docId: number, group: LayerData, crop: { left: number; top: number; width: number; height: number }) {
  const composite = group.children!.find((l) => l.name.startsWith('Planewise composite'))!;
  const withComposite = ps.render(docId).data;
  composite.visible = false;
  const slabsOnly = ps.render(docId).data;
  composite.visible = true;
  const { width } = ps.doc(docId);
  let worst = 0, sum = 0, over2 = 0, n = 0;
  for (let y = crop.top; y < crop.top + crop.height; y++) {
    for (let i = (y * width + crop.left) * 3; i < (y * width + crop.left + crop.width) * 3; i++) {
      const d = Math.abs(withComposite[i]! - slabsOnly[i]!) * 255;
      worst = Math.max(worst, d);
      sum += d;
      if (d > 2) over2++;
      n++;
    }
  }
  return { worst, mean: sum / n, over2: over2 / n };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await childMain(JSON.parse(process.argv[2]!));
