import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { messages, sample } from './helpers/cli.js';
import { planewiseInProcess as planewise } from './helpers/cli-in-process.js';
import { mulberry32 } from './synthetic/generator.js';

/**
 * Fuzzing the frame decoder through the whole CLI: one frame of a small stack is mutated (truncated, bits
 * flipped, header bytes overwritten, dimensions that lie) and run() is called in this process for each
 * case. Truncations and lying dimensions must be refused: exit 1, one line naming the file, no output,
 * nothing left in the temporary folder. A flipped bit or an edited byte may also leave a decodable image
 * (JPEG and LZW data carry no checksum; some header bytes are comments or EXIF): then the run must
 * succeed cleanly instead; it may never crash, print more than one line, or leave anything behind.
 */

type Format = 'jpg' | 'png' | 'tif';
type Kind = 'truncated' | 'lying dimensions' | 'bit flips' | 'header edit';
interface Case {
  kind: Kind;
  format: Format;
  bytes: Uint8Array;
  label: string;
}

/** Offsets of the width and height fields, and how to write them, per format. */
function dimensionFields(format: Format, file: Uint8Array): { write: (b: Uint8Array, w: number, h: number) => void } {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (format === 'png') {
    return {
      write: (b, w, h) => {
        view(b).setUint32(16, w);
        view(b).setUint32(20, h);
        view(b).setUint32(29, crc32(b.subarray(12, 29))); // a valid IHDR that lies, not a checksum error
      },
    };
  }
  if (format === 'jpg') {
    let p = 2;
    while (p < file.length && !(file[p] === 0xff && file[p + 1]! >= 0xc0 && file[p + 1]! <= 0xc2)) p += 2 + view(file).getUint16(p + 2);
    return { write: (b, w, h) => { view(b).setUint16(p + 5, h); view(b).setUint16(p + 7, w); } };
  }
  const le = file[0] === 0x49;
  const ifd = view(file).getUint32(4, le);
  const entries = view(file).getUint16(ifd, le);
  const at: Record<number, [number, number]> = {};
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    at[view(file).getUint16(e, le)] = [e + 8, view(file).getUint16(e + 2, le)];
  }
  const set = (b: Uint8Array, tag: number, v: number) => {
    const [offset, type] = at[tag]!;
    if (type === 3) view(b).setUint16(offset, v, le);
    else view(b).setUint32(offset, v, le);
  };
  return { write: (b, w, h) => { set(b, 256, w); set(b, 257, h); } };
}

function mutations(format: Format, file: Uint8Array, seed: number): Case[] {
  const rand = mulberry32(seed);
  const cases: Case[] = [];
  const n = file.length;
  for (let i = 0; i < 24; i++) {
    const cut = Math.floor(i < 6 ? (i + 1) * 4 : (n * (i - 5)) / 19) - (i === 23 ? 2 : 0);
    cases.push({ kind: 'truncated', format, bytes: file.slice(0, Math.max(0, Math.min(n - 2, cut))), label: `at ${cut} of ${n}` });
  }
  const { write } = dimensionFields(format, file);
  const W = 64, H = 48;
  for (const [w, h] of [[W + 1, H], [W, H + 1], [W - 1, H], [W, H - 1], [W * 2, H * 2], [W / 2, H / 2], [H, W], [1, 1], [W * 40, H], [W, H * 40]] as const) {
    const bytes = file.slice();
    write(bytes, w, h);
    cases.push({ kind: 'lying dimensions', format, bytes, label: `${w}x${h}` });
  }
  for (let i = 0; i < 32; i++) {
    const bytes = file.slice();
    const flips = 1 + Math.floor(rand() * 8);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(rand() * n);
      bytes[at]! ^= 1 << Math.floor(rand() * 8);
    }
    cases.push({ kind: 'bit flips', format, bytes, label: `${flips} flips, seed ${seed}/${i}` });
  }
  for (let i = 0; i < 24; i++) {
    const bytes = file.slice();
    const at = Math.floor(rand() * Math.min(n, 160));
    const len = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < len && at + k < n; k++) bytes[at + k] = Math.floor(rand() * 256);
    cases.push({ kind: 'header edit', format, bytes, label: `${len} bytes at ${at}` });
  }
  return cases;
}

describe('fuzzed frames: refused cleanly in one line, or stacked cleanly', () => {
  let dir: string;
  let temp: string;
  const savedTmp = process.env.TMPDIR;
  const sources = new Map<Format, Uint8Array>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-fuzz-'));
    temp = join(dir, 'tmp');
    await mkdir(temp);
    process.env.TMPDIR = temp; // this file runs in its own worker process
    for (const format of ['jpg', 'png', 'tif'] as const) {
      const frames = join(dir, format);
      await mkdir(frames);
      for (const [i, name] of ['a', 'b', 'c'].entries()) {
        let img = sharp(join(sample, `pcb_00${i + 3}.jpg`)).resize(64, 48);
        img = format === 'jpg' ? img.jpeg({ quality: 90 }) : format === 'png' ? img.png() : img.toColourspace('rgb16').tiff({ compression: 'lzw' });
        await img.toFile(join(frames, `${name}.${format}`));
      }
      sources.set(format, new Uint8Array(await readFile(join(frames, `b.${format}`))));
    }
  });
  afterAll(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await rm(dir, { recursive: true, force: true });
  });

  it('a few hundred mutations of JPEG, PNG and 16-bit TIFF frames', async () => {
    const cases = (['jpg', 'png', 'tif'] as const).flatMap((format, i) => mutations(format, sources.get(format)!, 1000 + i));
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const refused: Record<Kind, number> = { truncated: 0, 'lying dimensions': 0, 'bit flips': 0, 'header edit': 0 };
    const problems: string[] = [];
    const started = Date.now();
    for (const [index, c] of cases.entries()) {
      const stack = join(dir, `case-${index}`);
      const out = join(stack, 'out');
      await mkdir(out, { recursive: true });
      for (const name of ['a', 'c']) await copyFile(join(dir, c.format, `${name}.${c.format}`), join(stack, `${name}.${c.format}`));
      const mutated = join(stack, `b.${c.format}`);
      await writeFile(mutated, c.bytes);
      // One thread: starting a worker pool for each of hundreds of tiny stacks would cost more than the stacks.
      const r = await planewise(['stack', stack, '--composite', join(out, 'r.png'), '--align', 'translation', '--threads', '1']);
      const lines = messages(r.stderr);
      const what = `${c.format} ${c.kind} (${c.label})`;
      const leftovers = await readdir(temp);
      if (leftovers.length) problems.push(`${what}: left ${leftovers.join(', ')} in the temporary folder`);
      if (r.code === 1) {
        refused[c.kind]++;
        const written = await readdir(out);
        if (written.length) problems.push(`${what}: refused but wrote ${written.join(', ')}`);
        if (lines.length !== 1 || !lines[0]!.includes(mutated)) problems.push(`${what}: expected one line naming the file, got ${JSON.stringify(lines)}`);
      } else if (r.code === 0) {
        if (c.kind === 'truncated' || c.kind === 'lying dimensions') problems.push(`${what}: accepted`);
        const written = await readdir(out);
        if (written.join() !== 'r.png') problems.push(`${what}: accepted but wrote ${written.join(', ')}`);
      } else {
        problems.push(`${what}: exit ${r.code}: ${r.stderr}`);
      }
      await rm(stack, { recursive: true, force: true });
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${cases.length} cases in ${seconds.toFixed(1)} s; refused ${JSON.stringify(refused)}`);
    expect(problems).toEqual([]);
    // Truncated and lying frames are always refused (checked per case above); the rest are mostly refused.
    expect(refused['bit flips'] + refused['header edit']).toBeGreaterThan(0);
  }, 120_000);
});
