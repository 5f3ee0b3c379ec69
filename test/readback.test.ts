import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decode as decodeTiff } from 'tiff';
import { readPsd } from './helpers/ag-psd.js';
import { planewiseInProcess as planewise } from './helpers/cli-in-process.js';
import { createSyntheticStack, writeStackFiles } from './synthetic/generator.js';

/**
 * The outputs read back in readers that share no code with the writers (libvips writes TIFF and PNG,
 * our own writer the PSD): `tiff` (image-js), `pngjs` and ag-psd must all see the same composite.
 */
describe('PSD, TIFF and PNG outputs read back in independent readers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-readback-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const bitDepth of [8, 16] as const) {
    it(`${bitDepth}-bit: the composite is the same in the TIFF, the PNG and the PSD's composite layer and merged image`, async () => {
      const frames = join(dir, `frames-${bitDepth}`);
      await mkdir(frames);
      await writeStackFiles(createSyntheticStack({ width: 160, height: 120, frames: 3, bitDepth, seed: 11 }), frames, bitDepth === 16 ? 'tiff' : 'png');
      const out = (ext: string) => join(dir, `r${bitDepth}.${ext}`);
      expect((await planewise(['stack', frames, '--out', out('psd'), '--composite', out('tif'), '--depth', out('depth.png')])).code).toBe(0);
      expect((await planewise(['stack', frames, '--composite', out('png')])).code).toBe(0);

      const [tiff] = decodeTiff(await readFile(out('tif')));
      const { width, height } = tiff!;
      expect(tiff!.bitsPerSample).toBe(bitDepth);
      expect(tiff!.samplesPerPixel).toBe(3);
      const fromTiff = tiff!.data as Uint8Array | Uint16Array;

      const png = PNG.sync.read(await readFile(out('png')), { skipRescale: true });
      expect([png.width, png.height, png.depth]).toEqual([width, height, bitDepth]);
      const pngData = png.data as unknown as ArrayLike<number>;

      const psd = readPsd(await readFile(out('psd')), { useImageData: true, skipThumbnail: true });
      expect([psd.width, psd.height, psd.bitsPerChannel]).toEqual([width, height, bitDepth]);
      const top = psd.children!.at(-1)!;
      expect(top.name).toMatch(/^Planewise composite/);
      const layer = top.imageData!.data as ArrayLike<number>;
      const merged = psd.imageData!.data as ArrayLike<number>;

      let mismatches = 0;
      for (let i = 0; i < width * height; i++) {
        for (let c = 0; c < 3; c++) {
          const v = fromTiff[i * 3 + c]!;
          if (pngData[i * 4 + c] !== v || layer[i * 4 + c] !== v || merged[i * 4 + c] !== v) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
      // The samples vary (not an empty image all three readers would agree on).
      expect(new Set(Array.from(fromTiff.subarray(0, 3000))).size).toBeGreaterThan(50);

      const depth = PNG.sync.read(await readFile(out('depth.png')), { skipRescale: true });
      expect([depth.width, depth.height, depth.depth]).toEqual([width, height, 8]);
    });
  }
});
