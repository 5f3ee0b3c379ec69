import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { root } from './helpers/cli.js';

/** The layering the panel relies on: it talks to Photoshop only through the adapter's facade. */
describe('panel sources', () => {
  it('import only React and the Photoshop facade (never the engine, the kernels or adapter internals)', () => {
    const dir = join(root, 'src', 'panel');
    for (const file of readdirSync(dir).filter((f) => /\.tsx?$/.test(f))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, spec] of source.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
        const allowed = spec === 'react' || spec === 'react-dom/client' || /^\.\/[\w-]+\.js$/.test(spec!) || spec === '../host-bridge/photoshop/index.js';
        expect(allowed, `${file} imports ${spec}`).toBe(true);
      }
    }
  });
});

/** `npm run package` builds dist/ (the folder the UXP Developer Tool loads) and the .ccx. */
describe('plugin package', () => {
  const dist = join(root, 'dist');
  let manifest: {
    manifestVersion: number; id: string; main: string; version: string;
    host: { app: string; minVersion: string };
    entrypoints: { type: string; id: string; icons: { path: string; width: number; scale: number[]; theme: string[] }[] }[];
    icons: { path: string; width: number; scale: number[]; theme: string[] }[];
  };
  beforeAll(() => {
    execFileSync('npm', ['run', 'package'], { cwd: root, stdio: 'pipe' });
    manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  }, 240_000);

  it('has a manifest v5 panel for Photoshop 24.4+ with main, bundle and no eval', () => {
    expect(manifest.manifestVersion).toBe(5);
    expect(manifest.host).toMatchObject({ app: 'PS', minVersion: '24.4.0' });
    expect(manifest.entrypoints.map((e) => [e.type, e.id])).toEqual([['panel', 'planewise']]);
    const html = readFileSync(join(dist, manifest.main), 'utf8');
    expect(html).toContain('index.js');
    // UXP does not render <title> (nor <details> or <table>, which the panel's own tests rule out).
    expect(html).not.toMatch(/<title|<details|<table/i);
    const bundle = readFileSync(join(dist, 'index.js'), 'utf8');
    expect(bundle).not.toMatch(/\beval\(/);
    expect(bundle).toContain('require("photoshop")');
  });

  it('ships light and dark icons at 1x and 2x, named <path>@1x.png / <path>@2x.png as UXP loads them', async () => {
    const icons = [...manifest.icons, ...manifest.entrypoints.flatMap((e) => e.icons)];
    expect(new Set(icons.flatMap((i) => i.theme))).toEqual(new Set(['darkest', 'dark', 'medium', 'lightest', 'light']));
    for (const icon of icons) {
      expect(icon.scale).toEqual([1, 2]);
      for (const scale of icon.scale) {
        const file = join(dist, icon.path.replace(/\.png$/, `@${scale}x.png`));
        expect(existsSync(file), file).toBe(true);
        const meta = await sharp(file).metadata();
        expect(meta.width).toBe(icon.width * scale);
      }
    }
  });

  it('ships both wasm builds, which instantiate with no imports', async () => {
    for (const file of ['planewise-simd.wasm', 'planewise-scalar.wasm']) {
      const bytes = readFileSync(join(dist, file));
      const module = await WebAssembly.compile(bytes);
      expect(WebAssembly.Module.imports(module)).toEqual([]);
      expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('pyr_down');
    }
  });

  it('packs dist into a .ccx with the manifest at its root', () => {
    const ccx = unzipSync(new Uint8Array(readFileSync(join(root, `planewise-${manifest.version}.ccx`))));
    expect(Object.keys(ccx)).toEqual(expect.arrayContaining(['manifest.json', 'index.html', 'index.js', 'planewise-simd.wasm', 'icons/panel-dark@1x.png', 'icons/panel-dark@2x.png']));
  });
});
