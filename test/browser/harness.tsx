/**
 * The browser harness: the real panel (src/panel/App) mounted in Chromium against the fake Photoshop,
 * holding the bundled real stack (focusstack-pcb7) as layers, with the Spectrum stand-ins. Playwright drives
 * it (test/panel.e2e.test.ts). `window.harness` exposes the fake for assertions and the panel menu
 * (`invokeMenu('selfCheck')`), and the panel is mounted as src/panel/index.tsx mounts it in UXP.
 * Query: ?width=384 (frame size), ?delay=ms (Photoshop latency per imaging call, to watch a run progress),
 * ?wasm=missing (the .wasm files cannot be read), ?wasm=async-hangs (asynchronous WebAssembly compilation
 * never settles, as reported in UXP), ?wasm=read-hangs (reading the .wasm files never settles;
 * &wasmTimeout=ms shortens the loader's wait), ?imaging=missing (Photoshop before 24.4), ?theme=light (UXP's
 * theme variables set as in Photoshop's light theme; the default page is dark).
 * The document holds the frames and a text layer on top (which the panel lists as not used).
 */
import { createRoot } from 'react-dom/client';
import { loadPhotoshopKernels } from '../../src/host-bridge/photoshop/index.js';
import { App } from '../../src/panel/App.js';
import { PanelCommands } from '../../src/panel/commands.js';
import { injectStyles } from '../../src/panel/styles.js';
import { createFakePhotoshop } from '../fake-photoshop/index.js';
import { defineSpectrumStandIns } from './spectrum-stand-ins.js';

const FRAMES = ['pcb_001', 'pcb_002', 'pcb_003', 'pcb_004', 'pcb_005', 'pcb_006', 'pcb_007'];

async function decode(url: string, width: number): Promise<{ pixels: Uint8Array; height: number }> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const height = Math.round((bitmap.height * width) / bitmap.width);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) pixels[i * 3 + c] = rgba[i * 4 + c]!;
  return { pixels, height };
}

async function main() {
  const params = new URLSearchParams(location.search);
  const width = Number(params.get('width') ?? 384);
  let delay = Number(params.get('delay') ?? 0);
  defineSpectrumStandIns();
  injectStyles();
  if (params.get('theme') === 'light') {
    const vars: Record<string, string> = {
      '--uxp-host-background-color': '#f0f0f0', '--uxp-host-text-color': '#2c2c2c', '--uxp-host-text-color-secondary': '#6e6e6e',
      '--uxp-host-border-color': '#c4c4c4', '--uxp-host-widget-hover-background-color': '#e2e2e2',
    };
    for (const [name, value] of Object.entries(vars)) document.documentElement.style.setProperty(name, value);
    document.body.style.background = vars['--uxp-host-background-color']!;
  }

  if (params.get('wasm') === 'async-hangs') {
    const never = () => new Promise<never>(() => undefined);
    Object.assign(WebAssembly, { instantiate: never, compile: never, instantiateStreaming: never, compileStreaming: never });
  }
  const fake = createFakePhotoshop({ quirks: { noImaging: params.get('imaging') === 'missing' } });
  const decoded = await Promise.all(FRAMES.map((f) => decode(`/samples/focusstack-pcb7/${f}.jpg`, width)));
  fake.openDocument({
    width,
    height: decoded[0]!.height,
    name: 'pcb7.psd',
    // Load Files into Stack order: first file at the bottom.
    layers: [{ name: 'Caption', kind: 'text' as const }, ...decoded.map((d, i) => ({ name: FRAMES[i]!, pixels: d.pixels })).reverse()],
  });
  // Photoshop's imaging calls take time; the delay lets a test watch progress and cancel mid-run.
  const imaging = fake.module.imaging as typeof fake.module.imaging | undefined;
  const slow = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A) => {
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return fn(...a);
  };
  if (imaging) {
    imaging.getPixels = slow(imaging.getPixels);
    imaging.putPixels = slow(imaging.putPixels);
  }

  const commands = new PanelCommands();
  Object.assign(window, {
    harness: {
      fake,
      invokeMenu: (id: string) => commands.invoke(id),
      setDelay: (ms: number) => (delay = ms),
      snapshot: () => JSON.stringify(fake.snapshot(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)),
    },
  });
  const wasmMissing = params.get('wasm') === 'missing';
  const readHangs = params.get('wasm') === 'read-hangs';
  // Plays UXP's fs.readFile('plugin:/…') with the files the server serves.
  const readPluginFile = async (path: string) => {
    if (readHangs) return new Promise<ArrayBuffer>(() => undefined);
    const file = path.replace(/^plugin:\//, '');
    const response = await fetch(wasmMissing ? `/missing/${file}` : `/wasm/${file}`);
    if (!response.ok) throw new Error(`cannot read ${file}`);
    return response.arrayBuffer();
  };
  const timeout = params.get('wasmTimeout');
  const loadKernels = (notice: (m: string) => void) => loadPhotoshopKernels(readPluginFile, notice, timeout ? Number(timeout) : undefined);
  createRoot(document.getElementById('root')!).render(<App ps={fake.module} loadKernels={loadKernels} commands={commands} hostVersion="26.0 (harness)" />);
}

void main();
