import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bin, messages, planewise, sample } from './helpers/cli.js';

/**
 * System errors as a user meets them, each one line naming the path and what to do, exit 1, nothing left
 * behind. Full disks are real: a small tmpfs mounted in a private mount namespace (`unshare -m`, or
 * `unshare -rm` without root), which disappears with the process. Permission errors run the CLI as an
 * unprivileged user (root reads and writes everything).
 */

const root = process.getuid?.() === 0;
const unshareArgs = root ? ['-m'] : ['-rm'];
const canMount = spawnSync('unshare', [...unshareArgs, 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { encoding: 'utf8' }).status === 0;
/** Spawn options that drop root, or nothing when the tests already run unprivileged. */
const unprivileged = root ? { uid: 65534, gid: 65534 } : {};

/** Runs the CLI with `tmpfs` folders of the given sizes (KiB) mounted; reports the exit code and what each folder holds after. */
function withSmallDisks(disks: Record<string, number>, args: string[], env: NodeJS.ProcessEnv = {}) {
  const mounts = Object.entries(disks).map(([dir, kib]) => `mount -t tmpfs -o size=${kib}k tmpfs '${dir}' && `).join('');
  const setup = env.SETUP ?? 'true';
  const listing = Object.keys(disks).map((dir) => `echo "::ls ${dir}: $(ls -A '${dir}' | tr '\\n' ' ')"`).join('; ');
  const script = `${mounts}${setup} && "$NODE" '${bin}' ${args.map((a) => `'${a}'`).join(' ')}; echo "::exit $?"; ${listing}`;
  const r = spawnSync('unshare', [...unshareArgs, 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, ...env, NODE: process.execPath } });
  const code = Number(/::exit (\d+)/.exec(r.stdout)?.[1]);
  const contents = Object.fromEntries([...r.stdout.matchAll(/::ls (.*?): (.*)/g)].map((m) => [m[1], m[2]!.trim().split(' ').filter(Boolean)]));
  return { code, stderr: r.stderr, contents };
}

describe('system errors: one line naming the path and what to do, exit 1', () => {
  let dir: string;
  let frames: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-syserr-'));
    await chmod(dir, 0o755);
    frames = join(dir, 'frames');
    await mkdir(frames, { mode: 0o755 });
    for (const i of [1, 2, 3]) await sharp(join(sample, `pcb_00${i}.jpg`)).resize(512, 384).png().toFile(join(frames, `f${i}.png`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function expectOneLine(stderr: string, path: string, pattern: RegExp) {
    const lines = messages(stderr);
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain(path);
    expect(lines[0]).toMatch(pattern);
  }

  it('a temporary folder that does not exist', () => {
    const missing = join(dir, 'no-tmp');
    const r = planewise(['stack', frames, '--composite', join(dir, 'a.png')], { env: { ...process.env, TMPDIR: missing } });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, missing, /no such file or folder; set TMPDIR to an existing folder\.$/);
  });

  it('an unwritable output folder, found before the work', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await chmod(locked, 0o555);
    const r = planewise(['stack', frames, '--composite', join(locked, 'r.png')], { ...unprivileged, env: { ...process.env, TMPDIR: tmpdir() } });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, locked, /permission denied; choose a folder you can write to/);
    expect(r.stderr).not.toMatch(/% aligning/);
    expect(await readdir(locked)).toEqual([]);
  });

  it('an unreadable input folder and an unreadable frame', async () => {
    const hidden = join(dir, 'hidden');
    await mkdir(hidden, { mode: 0o700 });
    await chmod(hidden, 0o700);
    await sharp(join(frames, 'f1.png')).toFile(join(hidden, 'x.png'));
    const out = join(dir, 'out-perm');
    await mkdir(out, { mode: 0o777 });
    await chmod(out, 0o777);
    const folder = planewise(['stack', hidden, '--composite', join(out, 'r.png')], unprivileged);
    expect(folder.code).toBe(1);
    expectOneLine(folder.stderr, hidden, /permission denied; make it readable/);

    const secret = join(dir, 'secret.png');
    await sharp(join(frames, 'f1.png')).toFile(secret);
    await chmod(secret, 0o600);
    const file = planewise(['stack', join(frames, 'f2.png'), join(frames, 'f3.png'), secret, '--composite', join(out, 'r.png')], unprivileged);
    expect(file.code).toBe(1);
    expectOneLine(file.stderr, secret, /permission denied; make it readable/);
    expect(file.stderr).not.toMatch(/corrupt/);
    expect(await readdir(out)).toEqual([]);
  });

  it.skipIf(!canMount)('a temporary folder too small for the decoded frames: refused up front', async () => {
    const small = join(dir, 'small-tmp');
    await mkdir(small);
    const r = withSmallDisks({ [small]: 256 }, ['stack', frames, '--composite', join(dir, 'never.png')], { TMPDIR: small });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, small, /the decoded frames need about 2 MiB of temporary space but only 1 MiB is free; free some space or set TMPDIR/);
    expect(r.contents[small]).toEqual([]);
  });

  it.skipIf(!canMount)('the temporary folder filling up during the run', async () => {
    const tight = join(dir, 'tight-tmp');
    await mkdir(tight);
    const out = join(dir, 'out-tight');
    await mkdir(out);
    // Room for the decoded frames (3 x 576 KiB) but not for the layered document's channels as well.
    const r = withSmallDisks({ [tight]: 1800 }, ['stack', frames, '--out', join(out, 'r.psd'), '--composite', join(out, 'r.png')], { TMPDIR: tight });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, tight, /no space left on the device; free some space or set TMPDIR to a folder on a disk with more room\.$/);
    expect(r.contents[tight]).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });

  it.skipIf(!canMount)('the output disk filling up while writing: earlier results stay, nothing partial is left', async () => {
    const disk = join(dir, 'out-full');
    await mkdir(disk);
    const r = withSmallDisks({ [disk]: 64 }, ['stack', frames, '--composite', join(disk, 'r.png'), '--transforms', join(disk, 't.json')], {
      SETUP: `printf previous > '${join(disk, 'r.png')}' && printf '{}' > '${join(disk, 't.json')}'`,
    });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, join(disk, 'r.png'), /no space left on the device; free some space or write the outputs to another disk\.$/);
    expect(r.contents[disk]!.sort()).toEqual(['r.png', 't.json']);
  });
});
