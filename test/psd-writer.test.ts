import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPsd } from './helpers/ag-psd.js';
import { PsdWriter, packBits } from '../src/formats/psd-writer.js';
import { mulberry32 } from './synthetic/generator.js';


describe('streaming PSD writer, read back with ag-psd', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'planewise-psd-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  for (const format of ['psd', 'psb'] as const) {
    for (const colorMode of ['rgb', 'grayscale'] as const) {
      for (const depth of [8, 16] as const) {
        it(`${format} ${colorMode} ${depth}-bit: layers, masks, names, visibility and merged image`, async () => {
          const W = 37, H = 23, C = colorMode === 'rgb' ? 3 : 1, max = depth === 8 ? 255 : 65535;
          const rand = mulberry32(depth + C);
          const sample = () => (rand() < 0.3 ? max : Math.floor(rand() * (max + 1)));
          const make = (n: number) => (depth === 8 ? Uint8Array.from({ length: n }, sample) : Uint16Array.from({ length: n }, sample));
          const layers = [{ name: 'frame 1', hasMask: true }, { name: 'Fokus ü 1', hasMask: true, hidden: true }, { name: 'composite', hasMask: false }];
          const pixels = layers.map(() => make(W * H * C));
          const masks = layers.map(() => make(W * H));
          const path = join(dir, `t-${format}-${colorMode}-${depth}.${format}`);
          const writer = await PsdWriter.create(path, { width: W, height: H, colorMode, depth, layers, format }, dir);
          expect(writer.format).toBe(format);
          // Uneven bands, interleaved across layers.
          const bands = [[0, 5], [5, 1], [6, 17]];
          for (const [y0, rows] of bands) {
            for (let l = layers.length - 1; l >= 0; l--) {
              const band = pixels[l]!.subarray(y0! * W * C, (y0! + rows!) * W * C);
              await writer.writeLayerBand(l, y0!, band, layers[l]!.hasMask ? masks[l]!.subarray(y0! * W, (y0! + rows!) * W) : undefined);
            }
          }
          await writer.close();
          const psd = readPsd(await readFile(path), { useImageData: true, skipThumbnail: true });
          expect([psd.width, psd.height, psd.bitsPerChannel, psd.colorMode]).toEqual([W, H, depth, colorMode === 'rgb' ? 3 : 1]);
          expect(psd.children!.map((l) => l.name)).toEqual(layers.map((l) => l.name));
          expect(psd.children!.map((l) => Boolean(l.hidden))).toEqual([false, true, false]);
          psd.children!.forEach((layer, l) => {
            const data = layer.imageData!.data as ArrayLike<number>;
            for (let i = 0; i < W * H; i++) {
              for (let c = 0; c < 3; c++) expect(data[i * 4 + c]).toBe(pixels[l]![i * C + (C === 1 ? 0 : c)]!);
            }
            if (layers[l]!.hasMask) {
              const m = layer.mask!.imageData!.data as ArrayLike<number>;
              for (let i = 0; i < W * H; i++) expect(m[i * 4]).toBe(masks[l]![i]);
            } else {
              expect(layer.mask).toBeUndefined();
            }
          });
          const merged = psd.imageData!.data as ArrayLike<number>;
          for (let i = 0; i < W * H; i++) expect(merged[i * 4]).toBe(pixels[2]![i * C]);
          expect((await readdir(dir)).filter((f) => f.endsWith('.bin'))).toEqual([]);
        });
      }
    }
  }

  it('refuses to close with missing rows, leaving no file, and abort cleans up', async () => {
    const path = join(dir, 'incomplete.psd');
    const writer = await PsdWriter.create(path, { width: 4, height: 4, colorMode: 'grayscale', depth: 8, layers: [{ name: 'a', hasMask: false }] }, dir);
    await writer.writeLayerBand(0, 0, new Uint8Array(8));
    await expect(writer.close()).rejects.toThrow(/2 of 4 rows/);
    await writer.abort();
    expect(existsSync(path)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.includes('incomplete') || f.endsWith('.bin'))).toEqual([]);
    await expect(writer.writeLayerBand(0, 0, new Uint8Array(5))).rejects.toThrow();
  });

  it('PackBits round-trips runs, literals and their worst-case alternation', () => {
    const rand = mulberry32(5);
    const rows = [new Uint8Array(300).fill(7), Uint8Array.from({ length: 300 }, () => Math.floor(rand() * 256)), Uint8Array.from({ length: 301 }, (_, i) => (i % 3 === 0 ? 1 : 2)), new Uint8Array([9])];
    for (const row of rows) {
      const enc = packBits(row);
      const dec: number[] = [];
      for (let i = 0; i < enc.length; ) {
        const h = enc[i++]!;
        if (h > 128) { for (let j = 0; j < 257 - h; j++) dec.push(enc[i]!); i++; } else { for (let j = 0; j <= h; j++) dec.push(enc[i++]!); }
      }
      expect(dec).toEqual(Array.from(row));
    }
  });
});
