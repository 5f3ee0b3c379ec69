import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPsd } from './helpers/ag-psd.js';
import type { Rect } from '../src/engine/types.js';
import { CHUNK, packBitsBound, packChunk, packChunks } from '../src/formats/packbits.js';
import { PsdWriter, type PsdSpec } from '../src/formats/psd-writer.js';
import { mulberry32 } from './synthetic/generator.js';

/** PackBits decoder written from TIFF 6.0 section 9, independent of the encoder under test. */
function unpackBits(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; ) {
    const n = data[i++]!;
    if (n > 128) { for (let j = 0; j < 257 - n; j++) out.push(data[i]!); i++; } else if (n < 128) { for (let j = 0; j <= n; j++) out.push(data[i++]!); }
  }
  return out;
}

/** Rectangles cutting the canvas at the given columns and rows. */
function grid(columns: number[], rows: number[]): Rect[] {
  return rows.slice(0, -1).flatMap((top, r) => columns.slice(0, -1).map((left, c) => ({ left, top, width: columns[c + 1]! - left, height: rows[r + 1]! - top })));
}

function crop(data: Uint8Array | Uint16Array, width: number, channels: number, rect: Rect): Uint8Array | Uint16Array {
  const out = data instanceof Uint8Array ? new Uint8Array(rect.width * rect.height * channels) : new Uint16Array(rect.width * rect.height * channels);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.top + y) * width + rect.left) * channels;
    out.set(data.subarray(from, from + rect.width * channels), y * rect.width * channels);
  }
  return out;
}

describe('streaming PSD writer, read back with ag-psd', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'planewise-psd-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  // Cuts inside a 128-column chunk, on a chunk boundary, a one-pixel tile, and a last chunk shorter than 128.
  const W = 300, H = 23;
  const tiles = grid([0, 100, 130, 131, 256, 300], [0, 5, 6, 23]);
  const layers = [{ name: 'frame 1', hasMask: true }, { name: 'Fokus ü 1', hasMask: true, hidden: true }, { name: 'composite', hasMask: false }];

  /** Pixels with runs as well as noise, so both packet kinds occur, cut at tile edges too. */
  function content(depth: 8 | 16, channels: number, seed: number) {
    const rand = mulberry32(seed);
    const max = depth === 8 ? 255 : 65535;
    const make = (n: number) => {
      const values: number[] = [];
      while (values.length < n) {
        const v = Math.floor(rand() * (max + 1));
        const repeat = rand() < 0.4 ? 1 + Math.floor(rand() * 200) : 1;
        for (let i = 0; i < repeat && values.length < n; i++) values.push(v);
      }
      return depth === 8 ? Uint8Array.from(values) : Uint16Array.from(values);
    };
    return { pixels: layers.map(() => make(W * H * channels)), masks: layers.map(() => make(W * H)) };
  }

  async function write(path: string, spec: PsdSpec, data: ReturnType<typeof content>, plan: Rect[], seed: number): Promise<PsdWriter> {
    const channels = spec.colorMode === 'rgb' ? 3 : 1;
    const writer = await PsdWriter.create(path, spec, dir);
    // Every tile of every layer, in a shuffled order, some concurrently.
    const jobs = spec.layers.flatMap((layer, l) => plan.map((rect) => ({ l, rect, mask: layer.hasMask })));
    const rand = mulberry32(seed);
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    await Promise.all(jobs.map(({ l, rect, mask }) => writer.writeTile(l, rect, crop(data.pixels[l]!, W, channels, rect), mask ? crop(data.masks[l]!, W, 1, rect) : undefined)));
    return writer;
  }

  for (const format of ['psd', 'psb'] as const) {
    for (const colorMode of ['rgb', 'grayscale'] as const) {
      for (const depth of [8, 16] as const) {
        it(`${format} ${colorMode} ${depth}-bit: tiles in any order give layers, masks, names, visibility and merged image`, async () => {
          const C = colorMode === 'rgb' ? 3 : 1;
          const data = content(depth, C, depth + C);
          const path = join(dir, `t-${format}-${colorMode}-${depth}.${format}`);
          const spec = { width: W, height: H, colorMode, depth, layers, format };
          const writer = await write(path, spec, data, tiles, 1);
          expect(writer.format).toBe(format);
          await writer.close();
          const psd = readPsd(await readFile(path), { useImageData: true, skipThumbnail: true });
          expect([psd.width, psd.height, psd.bitsPerChannel, psd.colorMode]).toEqual([W, H, depth, colorMode === 'rgb' ? 3 : 1]);
          expect(psd.children!.map((l) => l.name)).toEqual(layers.map((l) => l.name));
          expect(psd.children!.map((l) => Boolean(l.hidden))).toEqual([false, true, false]);
          const channel = (image: { data: ArrayLike<number> }, c: number) => Array.from({ length: W * H }, (_, i) => image.data[i * 4 + c]);
          const expected = (values: ArrayLike<number>, c: number, stride: number) => Array.from({ length: W * H }, (_, i) => values[i * stride + c]);
          psd.children!.forEach((layer, l) => {
            for (let c = 0; c < 3; c++) expect(channel(layer.imageData!, c)).toEqual(expected(data.pixels[l]!, C === 1 ? 0 : c, C));
            if (layers[l]!.hasMask) expect(channel(layer.mask!.imageData!, 0)).toEqual(expected(data.masks[l]!, 0, 1));
            else expect(layer.mask).toBeUndefined();
          });
          expect(channel(psd.imageData!, 0)).toEqual(expected(data.pixels[2]!, 0, C));
          expect((await readdir(dir)).filter((f) => f.startsWith('psd-'))).toEqual([]);
        });
      }
    }
  }

  it('writes the same bytes whatever the tile plan and order', async () => {
    const data = content(8, 3, 7);
    const spec = { width: W, height: H, colorMode: 'rgb' as const, depth: 8 as const, layers };
    const plans = [grid([0, W], [0, H]), tiles, grid([0, 1, 2, 129, 200, 299, 300], [0, 1, 22, 23]), grid([0, 128, 256, 300], [0, 12, 23])];
    const files: Buffer[] = [];
    for (const [i, plan] of plans.entries()) {
      const path = join(dir, `plan-${i}.psd`);
      await (await write(path, spec, data, plan, 10 + i)).close();
      files.push(await readFile(path));
    }
    for (const file of files.slice(1)) expect(file.equals(files[0]!)).toBe(true);
    // Compressed: the runs in the content take far less than the raw samples.
    expect(files[0]!.length).toBeLessThan(W * H * (3 * 4 + 2 * 1));
  });

  it('refuses to close with missing or doubled tiles, leaving no file, and abort cleans up', async () => {
    const path = join(dir, 'incomplete.psd');
    const spec = { width: 4, height: 4, colorMode: 'grayscale' as const, depth: 8 as const, layers: [{ name: 'a', hasMask: false }] };
    const writer = await PsdWriter.create(path, spec, dir);
    await writer.writeTile(0, { left: 0, top: 0, width: 4, height: 2 }, new Uint8Array(8));
    await expect(writer.close()).rejects.toThrow(/layer 0 \("a"\): 2 of 4 rows/);
    expect(existsSync(path)).toBe(false);
    await writer.abort();
    expect((await readdir(dir)).filter((f) => f.startsWith('psd-'))).toEqual([]);
    await expect(writer.writeTile(0, { left: 0, top: 0, width: 4, height: 1 }, new Uint8Array(4))).rejects.toThrow(/closed/);

    const doubled = await PsdWriter.create(path, spec, dir);
    await doubled.writeTile(0, { left: 0, top: 0, width: 4, height: 4 }, new Uint8Array(16));
    await doubled.writeTile(0, { left: 2, top: 1, width: 2, height: 1 }, new Uint8Array(2));
    await expect(doubled.close()).rejects.toThrow(/3 of 4 rows.*row 1/);
    expect((await readdir(dir)).filter((f) => f.startsWith('psd-') || f === 'incomplete.psd')).toEqual([]);
  });

  it('refuses tiles outside the document or of the wrong size', async () => {
    const spec = { width: 4, height: 4, colorMode: 'rgb' as const, depth: 8 as const, layers: [{ name: 'a', hasMask: true }] };
    const writer = await PsdWriter.create(join(dir, 'refused.psd'), spec, dir);
    await expect(writer.writeTile(0, { left: 2, top: 0, width: 4, height: 1 }, new Uint8Array(12), new Uint8Array(4))).rejects.toThrow(/outside/);
    await expect(writer.writeTile(0, { left: 0, top: 0, width: 4, height: 1 }, new Uint8Array(11), new Uint8Array(4))).rejects.toThrow(/11 samples/);
    await expect(writer.writeTile(0, { left: 0, top: 0, width: 4, height: 1 }, new Uint8Array(12))).rejects.toThrow(/mask/);
    await expect(writer.writeTile(0, { left: 0, top: 0, width: 4, height: 1 }, new Uint16Array(12), new Uint16Array(4))).rejects.toThrow(/8-bit/);
    await writer.abort();
  });
});

describe('PackBits in 128-column chunks', () => {
  const rand = mulberry32(5);
  const rows = [
    new Uint8Array(300).fill(7),
    Uint8Array.from({ length: 300 }, () => Math.floor(rand() * 256)),
    Uint8Array.from({ length: 301 }, (_, i) => (i % 3 === 0 ? 1 : 2)),
    Uint8Array.from({ length: 257 }, (_, i) => [1, 1, 2, 3, 3, 3, 4, 4][i % 8]!),
    new Uint8Array([9]),
    new Uint8Array([9, 9]),
  ];

  it('round-trips runs, literals and their alternations within the bound', () => {
    for (const row of rows) {
      const out = new Uint8Array(packBitsBound(row.length));
      const end = packChunks(row, 0, 1, 0, row.length, out, 0);
      expect(unpackBits(out.subarray(0, end))).toEqual(Array.from(row));
    }
  });

  it('encodes each chunk on its own, read straight out of interleaved samples', () => {
    for (const row of rows) {
      const interleaved = new Uint8Array(row.length * 3);
      row.forEach((v, i) => { interleaved[i * 3 + 1] = v; interleaved[i * 3] = 255 - v; });
      const whole = new Uint8Array(packBitsBound(row.length));
      const n = packChunks(interleaved, 1, 3, 0, row.length, whole, 0);
      const pieces: number[] = [];
      for (let x = 0; x < row.length; x += CHUNK) {
        const piece = new Uint8Array(CHUNK + 1);
        pieces.push(...piece.subarray(0, packChunk(row.subarray(x, x + CHUNK), 0, 1, Math.min(CHUNK, row.length - x), piece, 0)));
      }
      expect(Array.from(whole.subarray(0, n))).toEqual(pieces);
    }
  });

  it('spends a run packet on three equal bytes but not on two inside a literal', () => {
    const out = new Uint8Array(16);
    expect(Array.from(out.subarray(0, packChunk(Uint8Array.of(1, 2, 2, 3), 0, 1, 4, out, 0)))).toEqual([3, 1, 2, 2, 3]);
    expect(Array.from(out.subarray(0, packChunk(Uint8Array.of(1, 2, 2, 2, 3), 0, 1, 5, out, 0)))).toEqual([0, 1, 254, 2, 0, 3]);
    expect(Array.from(out.subarray(0, packChunk(Uint8Array.of(5, 5, 6), 0, 1, 3, out, 0)))).toEqual([255, 5, 0, 6]);
  });
});
