import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { CancelledError, FileHost, loadNodeKernels, type Kernels } from '../src/host-bridge/files/index.js';
import { OutputCommit } from '../src/host-bridge/files/commit.js';
import { FileSystemError } from '../src/host-bridge/files/system-errors.js';
import { messages, sample } from './helpers/cli.js';
import { planewiseInProcess as planewise } from './helpers/cli-in-process.js';

/**
 * Outputs never destroy inputs or earlier results: refused up front when they name an input or each other,
 * moved into place all together or not at all. Runs call the CLI's run() in this process on small frames.
 */
describe('outputs never destroy inputs or earlier results', () => {
  let dir: string;
  let temp: string;
  let frames: string;
  let good: string[];
  const savedTmp = process.env.TMPDIR;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-safety-'));
    temp = join(dir, 'tmp');
    await mkdir(temp);
    process.env.TMPDIR = temp; // this file runs in its own worker process
    frames = join(dir, 'frames');
    await mkdir(frames);
    good = [];
    for (const i of [1, 2, 3]) {
      const path = join(frames, `good_${i}.png`);
      await sharp(join(sample, `pcb_00${i}.jpg`)).resize(128, 96).png().toFile(path);
      good.push(path);
    }
  });
  afterAll(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await rm(dir, { recursive: true, force: true });
  });

  async function snapshot(paths: string[]): Promise<Buffer[]> {
    return Promise.all(paths.map((p) => readFile(p)));
  }

  it('refuses an output that names an input, however it is spelled (exit 2, inputs untouched)', async () => {
    const out = join(dir, 'named');
    await mkdir(out);
    await symlink(good[0]!, join(out, 'link.png'));
    await link(good[1]!, join(out, 'hard.png'));
    const before = await snapshot(good);
    const cases: [string[], string][] = [
      [[...good, '--composite', good[0]!], good[0]!],
      [[...good, '--depth', `${frames}/./good_2.png`], good[1]!],
      [[...good, '--composite', join(out, 'x.png'), '--depth', join(out, 'link.png')], good[0]!],
      [[...good, '--composite', join(out, 'hard.png')], good[1]!],
      [[frames, '--composite', join(frames, 'good_3.png')], good[2]!],
      [[...good, '--out', join(out, 'r.psd'), '--composite', `${frames}/../frames/good_1.png`], good[0]!],
    ];
    for (const [args, input] of cases) {
      const r = await planewise(['stack', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(messages(r.stderr)[0]).toMatch(/would replace the input frame/);
      expect(messages(r.stderr)[0]).toContain(input);
    }
    expect(await snapshot(good)).toEqual(before);
    expect((await readdir(out)).sort()).toEqual(['hard.png', 'link.png']);
  });

  it('refuses two outputs that are one file (exit 2)', async () => {
    const out = join(dir, 'twice');
    await mkdir(out);
    await symlink(out, join(dir, 'twice-link'));
    for (const args of [
      ['--composite', join(out, 'x.png'), '--depth', join(out, 'x.png')],
      ['--composite', join(out, 'x.png'), '--depth', join(dir, 'twice-link', 'x.png')],
      ['--composite', join(out, 'new', 'x.tif'), '--depth', join(out, 'new', '..', 'new', 'x.tif')],
    ]) {
      const r = await planewise(['stack', ...good, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(messages(r.stderr)[0]).toMatch(/are the same file/);
    }
    expect(await readdir(out)).toEqual([]);
  });

  it('checks every output before the work: a folder or a file in the way is one line, exit 1, and earlier results stay', async () => {
    const out = join(dir, 'earlier');
    await mkdir(out);
    const first = await planewise(['stack', ...good, '--composite', join(out, 'r.png'), '--transforms', join(out, 't.json')]);
    expect(first.code).toBe(0);
    const before = await snapshot([join(out, 'r.png'), join(out, 't.json')]);
    await mkdir(join(out, 'folder.json'));
    await writeFile(join(out, 'file'), 'not a folder');
    for (const [args, named, pattern] of [
      [['--transforms', join(out, 'folder.json')], join(out, 'folder.json'), /is a folder, not a file; give a file name/],
      [['--depth', join(out, 'file', 'd.png')], join(out, 'file'), /part of the path is a file/],
    ] as const) {
      const r = await planewise(['stack', ...good, '--mode', 'depthmap', '--composite', join(out, 'r.png'), ...args]);
      expect(r.code).toBe(1);
      const lines = messages(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(named);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/% aligning/); // refused before the work started
    }
    expect(await snapshot([join(out, 'r.png'), join(out, 't.json')])).toEqual(before);
    expect((await readdir(out)).sort()).toEqual(['file', 'folder.json', 'r.png', 't.json']);
  });

  it('a commit that fails half-way puts every previous file back and leaves no temporary names', async () => {
    const out = join(dir, 'commit');
    await mkdir(join(out, 'b.json'), { recursive: true });
    await writeFile(join(out, 'b.json', 'inside'), 'a folder that is not empty cannot be replaced');
    await writeFile(join(out, 'a.png'), 'previous a');
    await writeFile(join(out, 'c.tif'), 'previous c');
    const commit = new OutputCommit();
    for (const name of ['a.png', 'c.tif', 'b.json']) await writeFile(commit.stage(join(out, name)), `new ${name}`);
    expect(() => commit.commit()).toThrow(FileSystemError);
    expect(await readFile(join(out, 'a.png'), 'utf8')).toBe('previous a');
    expect(await readFile(join(out, 'b.json', 'inside'), 'utf8')).toMatch(/not empty/);
    expect(await readFile(join(out, 'c.tif'), 'utf8')).toBe('previous c');
    expect((await readdir(out)).sort()).toEqual(['a.png', 'b.json', 'c.tif']);

    const vanished = new OutputCommit(); // a temporary file removed behind the run's back
    for (const name of ['a.png', 'c.tif']) await writeFile(vanished.stage(join(out, name)), `new ${name}`);
    await rm(`${join(out, 'c.tif')}.partial-${process.pid}`);
    expect(() => vanished.commit()).toThrow(/c\.tif: no such file or folder; check the output path\. No output was changed\./);
    expect(await readFile(join(out, 'a.png'), 'utf8')).toBe('previous a');
    expect(await readFile(join(out, 'c.tif'), 'utf8')).toBe('previous c');
    expect((await readdir(out)).sort()).toEqual(['a.png', 'b.json', 'c.tif']);

    const ok = new OutputCommit();
    for (const name of ['a.png', 'd.png']) await writeFile(ok.stage(join(out, name)), `new ${name}`);
    ok.commit();
    expect(await readFile(join(out, 'a.png'), 'utf8')).toBe('new a.png');
    expect((await readdir(out)).sort()).toEqual(['a.png', 'b.json', 'c.tif', 'd.png']);
  });

  it('Ctrl-C while the outputs are written is honoured: nothing changes, nothing is left', async () => {
    const kernels: Kernels = await loadNodeKernels();
    const out = join(dir, 'writing');
    await mkdir(out);
    await writeFile(join(out, 'r.tif'), 'previous');
    const outputs = { psd: join(out, 'r.psd'), composite: join(out, 'r.tif'), depth: join(out, 'd.png'), transforms: join(out, 't.json') };
    const abort = new AbortController();
    let writing = false;
    const run = new FileHost(good, outputs, kernels).stack({
      signal: abort.signal,
      onProgress: (e) => {
        if (e.stage === 'writing' && !writing) {
          writing = true;
          abort.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(writing).toBe(true);
    expect(await readdir(out)).toEqual(['r.tif']);
    expect(await readFile(join(out, 'r.tif'), 'utf8')).toBe('previous');
    expect(await readdir(temp)).toEqual([]);
  });

  it('outputs saved in the input folder are marked and skipped by the next run, with a notice', async () => {
    const own = join(dir, 'own');
    await mkdir(own);
    for (const f of good) await copyFile(f, join(own, f.slice(f.lastIndexOf('/') + 1)));
    const args = ['stack', own, '--composite', join(own, 'result.png'), '--depth', join(own, 'result-depth.png'), '--json'];
    const first = await planewise(args);
    expect(first.code).toBe(0);
    const second = await planewise(args);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).frames).toHaveLength(3);
    expect(messages(second.stderr).filter((l) => l.includes('note:'))).toEqual([
      'planewise: note: skipped 2 files that Planewise wrote (result-depth.png, result.png); name them explicitly to stack them anyway.',
    ]);
  });

  it('warns when frames lose their transparency', async () => {
    const alpha = join(dir, 'alpha');
    await mkdir(alpha);
    for (const [i, f] of good.entries()) await sharp(f).ensureAlpha(0.5).png().toFile(join(alpha, `a${i}.png`));
    const r = await planewise(['stack', alpha, '--composite', join(dir, 'alpha.png')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('planewise: warning: 3 frames have an alpha channel (a0.png, a1.png, a2.png): transparency is not stacked; the outputs are opaque.');
  });

  it('names the odd-sized frame against the size most frames have, even when it sorts first', async () => {
    const odd = join(dir, 'odd');
    await mkdir(odd);
    await sharp(good[0]!).resize(100, 75).png().toFile(join(odd, 'a_first.png'));
    for (const [i, f] of good.entries()) await copyFile(f, join(odd, `b${i}.png`));
    const r = await planewise(['stack', odd, '--composite', join(dir, 'odd.png')]);
    expect(r.code).toBe(1);
    expect(messages(r.stderr)).toEqual([
      `planewise: ${join(odd, 'a_first.png')} (100x75): differs from the other frames' size 128x96 (3 of 4 frames); all frames must be the same size.`,
    ]);
  });

  it('a missing folder given alone is named as missing', async () => {
    const missing = join(dir, 'no-such-folder');
    const r = await planewise(['stack', missing, '--composite', join(dir, 'm.png')]);
    expect(r.code).toBe(1);
    expect(messages(r.stderr)).toEqual([`planewise: ${missing}: not found (no such file or folder); check the path.`]);
  });

  it('a frame over the pixel limit is named as too large, not as corrupt', async () => {
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([head, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20000, 0);
    ihdr.writeUInt32BE(20000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const huge = join(dir, 'huge.png');
    await writeFile(huge, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(8))), chunk('IEND', Buffer.alloc(0))]));
    const r = await planewise(['stack', ...good, huge, '--composite', join(dir, 'h.png')]);
    expect(r.code).toBe(1);
    expect(messages(r.stderr)).toEqual([`planewise: ${huge}: the image is 20000x20000 (400 megapixels), more than the 268 megapixels Planewise decodes; reduce the frames' size.`]);
  });

  it('a wrong output extension is a usage error and --help lists every exit code', async () => {
    const r = await planewise(['stack', ...good, '--composite', join(dir, 'r.bmp')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('r.bmp: the composite must end in .tif, .tiff, .png, .jpg, .jpeg.');
    const help = await planewise(['--help']);
    expect(help.stdout).toMatch(/Exit codes: 0 done, 1 bad input.*\n.*2 usage error, 130 interrupted \(129 on SIGHUP, 143 on SIGTERM\)/);
    expect(existsSync(join(dir, 'r.bmp'))).toBe(false);
  });
});
