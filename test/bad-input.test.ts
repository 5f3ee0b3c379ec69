import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { planewise, sample } from './helpers/cli.js';
import { floatTiff } from './helpers/float-tiff.js';

describe('bad input: one clear line naming the file, exit 1, nothing written', () => {
  let dir: string;
  let outDir: string;
  let good: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-bad-'));
    outDir = join(dir, 'out');
    await mkdir(outDir);
    // Small frames keep these runs fast.
    good = [];
    for (const i of [1, 2, 3]) {
      const path = join(dir, `good_${i}.png`);
      await sharp(join(sample, `pcb_00${i}.jpg`)).resize(256, 192).png().toFile(path);
      good.push(path);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectRefused(inputs: string[], pattern: RegExp, namedFile?: string) {
    const outputs = ['--out', join(outDir, 'r.psd'), '--composite', join(outDir, 'r.png'), '--depth', join(outDir, 'd.png'), '--transforms', join(outDir, 't.json')];
    const r = planewise(['stack', ...inputs, ...outputs]);
    expect(r.code).toBe(1);
    // Progress lines may precede the refusal (a corrupt frame is found while decoding); the refusal is one line.
    const lines = r.stderr.trim().split('\n').filter((l) => !/^planewise: \d+% /.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    if (namedFile) expect(lines[0]).toContain(namedFile);
    expect(await readdir(outDir)).toEqual([]);
  }

  it('missing file', async () => {
    const missing = join(dir, 'nope.jpg');
    await expectRefused([...good, missing], /not found/, missing);
  });

  it('non-image file with an image name', async () => {
    const fake = join(dir, 'notes.jpg');
    await writeFile(fake, 'these are not pixels\n');
    await expectRefused([...good, fake], /not a readable JPEG, PNG or TIFF/, fake);
  });

  it('corrupt (truncated) image', async () => {
    const bytes = await readFile(join(sample, 'pcb_004.jpg'));
    const broken = join(dir, 'truncated.jpg');
    await writeFile(broken, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const small = join(dir, 'trunc');
    await mkdir(small);
    // Same size as the truncated frame so only the corruption is wrong.
    for (const i of [1, 2]) await copyFile(join(sample, `pcb_00${i}.jpg`), join(small, `a${i}.jpg`));
    await copyFile(broken, join(small, 'a3.jpg'));
    await expectRefused([small], /could not decode|corrupt/, 'a3.jpg');
  }, 60_000);

  it('unsupported format (GIF)', async () => {
    const gif = join(dir, 'frame.gif');
    await sharp(good[0]!).gif().toFile(gif);
    await expectRefused([...good, gif], /gif images are not supported/, gif);
  });

  it('mixed sizes', async () => {
    const other = join(dir, 'other_size.png');
    await sharp(good[0]!).resize(200, 150).png().toFile(other);
    await expectRefused([...good, other], /differs .* all frames must be the same size/, other);
  });

  it('fewer than two frames', async () => {
    await expectRefused([good[0]!], /at least two/);
  });

  it('an empty folder', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expectRefused([empty], /holds no JPEG, PNG or TIFF/, empty);
  });

  it('unsupported bit depth (32-bit float TIFF)', async () => {
    const float = join(dir, 'float.tif');
    await writeFile(float, floatTiff(256, 192));
    const meta = await sharp(float).metadata();
    expect(meta.depth).toBe('float');
    await expectRefused([...good, float], /32-bit floating-point samples are not supported/, float);
  });

  it('usage errors exit 2', () => {
    expect(planewise([]).code).toBe(2);
    expect(planewise(['stack']).code).toBe(2);
    expect(planewise(['stack', ...good]).code).toBe(2); // no outputs
    expect(planewise(['stack', ...good, '--composite', 'x.png', '--mode', 'best']).code).toBe(2);
    expect(planewise(['stack', ...good, '--bogus']).code).toBe(2);
    const help = planewise(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('planewise stack');
  });

  it('a wrong output extension is a usage error, refused before any work', async () => {
    const r = planewise(['stack', ...good, '--composite', join(outDir, 'r.bmp')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('r.bmp');
    expect(await readdir(outDir)).toEqual([]);
  });
});
