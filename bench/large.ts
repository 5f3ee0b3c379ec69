// `npm run bench -- --large`: whole CLI runs on a 24 MP x 20 stack, measured from outside (wall, CPU, peak RSS,
// peak temporary disk) and compared with the peers' figures. See bench/PROFILE.md for where the time goes.
//
// Options (after `--large`): --repeat <n> (runs per configuration, default 1), --mode <modes, comma-separated; default all>,
// --outputs composite|psd (default both), --threads <n> (the N of the 1-vs-N comparison; default all cores),
// --enfuse (also run the enfuse recipe of ../shared/docs/peer-figures.md: ~450 s here), --keep (keep outputs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { FUSION_MODES, type FusionMode } from '../src/engine/options.js';
import { packageRoot } from '../src/host-bridge/files/index.js';
import { printTable, type Row } from './table.js';

const root = packageRoot();
const cli = join(root, 'bin', 'planewise.js');
const sourceDir = join(root, '..', 'shared', 'data', 'real', 'focusstack-pcb10');
const peerFigures = join(root, '..', 'shared', 'docs', 'peer-figures.md');
const GNU_TIME = '/usr/bin/time';

/**
 * How the 10 pcb10 frames (2048x1536, near -> far) become 20 frames of 24 MP. Each source frame is upscaled
 * 2.77x with Lanczos-3 to 5664x4248 and used twice, in place: frame 2k is the plain upscale, frame 2k+1 the
 * same upscale zoomed 0.3 % and rotated 0.1 deg about the centre (cropped back to 5664x4248, no empty corners).
 * So the focus order stays monotonic (each focus step appears twice), and every neighbouring pair differs by
 * a real similarity transform that alignment must find (0.3 % zoom = 8.5 px at the corners, 0.1 deg = 3.7 px).
 * Frames are written as JPEG quality 95 (sharp's default 4:2:0 chroma), like a camera's; 8-bit sRGB.
 */
export const LARGE_RECIPE = {
  source: 'focusstack-pcb10',
  width: 5664,
  height: 4248,
  copies: 2,
  zoom: 1.003,
  rotateDegrees: 0.1,
  kernel: 'lanczos3',
  jpegQuality: 95,
  version: 1,
} as const;

/** Builds the stack once into build/bench-cache/ (recipe-keyed); later runs reuse it. Returns the folder. */
export async function largeStack(log: (line: string) => void = console.log): Promise<string> {
  const r = LARGE_RECIPE;
  const dir = join(root, 'build', 'bench-cache', `pcb10-${r.width}x${r.height}-x${r.copies * 10}`);
  const recipeFile = join(dir, 'recipe.json');
  const sources = readdirSync(sourceDir).filter((f) => /\.jpe?g$/i.test(f)).sort();
  const names = sources.flatMap((_, i) => Array.from({ length: r.copies }, (_, c) => `frame_${String(i * r.copies + c).padStart(2, '0')}.jpg`));
  const recipe = JSON.stringify(r);
  if (existsSync(recipeFile) && readFileSync(recipeFile, 'utf8') === recipe && names.every((n) => existsSync(join(dir, n)))) return dir;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`Building the ${names.length}-frame ${r.width}x${r.height} stack from ${r.source} into ${dir} (once) ...`);
  const t0 = Date.now();
  for (const [i, file] of sources.entries()) {
    const upscaled = await sharp(join(sourceDir, file)).resize(r.width, r.height, { kernel: r.kernel }).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: upscaled.info.width, height: upscaled.info.height, channels: upscaled.info.channels } } as const;
    for (let c = 0; c < r.copies; c++) {
      let img = sharp(upscaled.data, raw);
      if (c % 2 === 1) {
        // Zoom, then rotate (which grows the canvas), then cut the centre back out: two pipelines so the order holds.
        const zw = Math.round(r.width * r.zoom), zh = Math.round(r.height * r.zoom);
        const zoomed = await sharp(upscaled.data, raw).resize(zw, zh, { kernel: r.kernel }).rotate(r.rotateDegrees).raw().toBuffer({ resolveWithObject: true });
        img = sharp(zoomed.data, { raw: { width: zoomed.info.width, height: zoomed.info.height, channels: zoomed.info.channels } }).extract({
          left: Math.floor((zoomed.info.width - r.width) / 2),
          top: Math.floor((zoomed.info.height - r.height) / 2),
          width: r.width,
          height: r.height,
        });
      }
      await img.jpeg({ quality: r.jpegQuality }).toFile(join(dir, names[i * r.copies + c]!));
    }
  }
  writeFileSync(recipeFile, recipe);
  log(`... built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return dir;
}

/** What one child run cost, measured from outside. */
export interface RunCost {
  wall: number;
  cpu: number;
  maxRssMiB: number;
  /** Peak bytes allocated under the child's TMPDIR (polled), MiB. */
  tempPeakMiB: number;
  /** Bytes of the outputs written, MiB. */
  outputMiB: number;
  /** The CLI's --json summary, when it printed one. */
  json?: { seconds?: Record<string, number>; tiles?: number; crop?: { width: number; height: number }; frames?: unknown[]; profile?: Record<string, number>; arenaPeakMiB?: number };
}

/**
 * Runs `command` under GNU time with TMPDIR pointed at a fresh folder whose allocated size is polled, so
 * temporary disk is measured from outside like memory is. Throws with the child's last stderr line on failure.
 */
export async function measure(command: string[], work: string, pollMs = 100): Promise<RunCost> {
  const tmp = join(work, 'tmp');
  const out = join(work, 'out');
  const timeFile = join(work, 'time.txt');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(out, { recursive: true });
  let tempPeak = 0;
  const poll = setInterval(() => { tempPeak = Math.max(tempPeak, allocatedBytes(tmp)); }, pollMs);
  const child = spawn(GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, ...command], { cwd: work, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d).slice(-4000); });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  tempPeak = Math.max(tempPeak, allocatedBytes(tmp));
  if (status !== 0) throw new Error(`${command.slice(0, 3).join(' ')} ... failed (${status}): ${stderr.trim().split('\n').slice(-2).join(' / ')}`);
  const [wall, user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
  const json = stdout.trim().startsWith('{') ? JSON.parse(stdout) : undefined;
  return { wall, cpu: user + sys, maxRssMiB: rssKiB / 1024, tempPeakMiB: tempPeak / 1048576, outputMiB: allocatedBytes(out, 'size') / 1048576, ...(json ? { json } : {}) };
}

/** Bytes under `dir`: allocated blocks (what the disk really holds; spools are created sparse) or logical sizes. */
function allocatedBytes(dir: string, what: 'blocks' | 'size' = 'blocks'): number {
  let total = 0;
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return 0; }
  for (const e of entries) {
    try {
      const st = statSync(join(dir, e));
      total += st.isDirectory() ? allocatedBytes(join(dir, e), what) : what === 'blocks' ? st.blocks * 512 : st.size;
    } catch { /* removed while we looked */ }
  }
  return total;
}

interface Config { label: string; mode: FusionMode; outputs: 'composite' | 'psd'; threads?: number }

function cliArgs(stack: string, c: Config): string[] {
  const outputs = c.outputs === 'psd' ? ['--out', 'out/stack.psd', '--composite', 'out/composite.tif'] : ['--composite', 'out/composite.tif'];
  return [process.execPath, cli, 'stack', stack, '--mode', c.mode, ...outputs, '--json', ...(c.threads ? ['--threads', String(c.threads)] : [])];
}


export async function runLargeBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--large'),
    options: {
      repeat: { type: 'string', default: '1' },
      mode: { type: 'string' },
      outputs: { type: 'string' },
      threads: { type: 'string' },
      enfuse: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(GNU_TIME)) throw new Error(`the large bench measures children with GNU time: ${GNU_TIME} is missing (apt-get install time)`);
  const repeat = Math.max(1, Number(values.repeat));
  const stack = await largeStack();
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout;
  const threadsFlag = help.includes('--threads');
  const many = Number(values.threads ?? availableParallelism());
  const threadCounts: (number | undefined)[] = threadsFlag ? [...new Set([1, many])] : [undefined];
  const modes = (values.mode ? values.mode.split(',') : FUSION_MODES) as Config['mode'][];
  const outputSets = (values.outputs ? [values.outputs] : ['composite', 'psd']) as Config['outputs'][];
  const configs: Config[] = modes.flatMap((mode) => outputSets.flatMap((outputs) => threadCounts.map((threads) => ({
    label: `${mode}, ${outputs === 'psd' ? 'PSD + composite' : 'composite only'}${threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}`,
    mode, outputs, ...(threads ? { threads } : {}),
  }))));

  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  console.log(`\nLarge stack: ${stack} (20 x ${LARGE_RECIPE.width}x${LARGE_RECIPE.height}, 8-bit JPEG)`);
  console.log(`Commit ${commit}, node ${process.version}, ${availableParallelism()} cores; CLI ${threadsFlag ? 'accepts' : 'has no'} --threads.`);
  console.log('Composite = TIFF (LZW); PSD runs also write the layered PSD. Measured with GNU time; temp = peak allocated bytes under the child\'s TMPDIR, polled every 100 ms.\n');

  const rows: Row[] = [];
  const work = join(root, 'build', 'bench-large-run');
  for (const c of configs) {
    for (let r = 0; r < repeat; r++) {
      rmSync(work, { recursive: true, force: true });
      const load = loadavg()[0]!.toFixed(2);
      try {
        const cost = await measure(cliArgs(stack, c), work);
        const row: Row = {
          run: c.label + (repeat > 1 ? ` #${r + 1}` : ''),
          'wall s': cost.wall.toFixed(1),
          'CPU s': cost.cpu.toFixed(1),
          'CPU %': ((100 * cost.cpu) / cost.wall).toFixed(0),
          'peak RSS MiB': cost.maxRssMiB.toFixed(0),
          'peak temp MiB': cost.tempPeakMiB.toFixed(0),
          'temp / frame MiB': c.outputs === 'composite' && cost.json?.frames ? (cost.tempPeakMiB / cost.json.frames.length).toFixed(1) : '',
          'output MiB': cost.outputMiB.toFixed(0),
          crop: cost.json?.crop ? `${cost.json.crop.width}x${cost.json.crop.height}` : '',
          tiles: String(cost.json?.tiles ?? ''),
          'arena MiB': cost.json?.arenaPeakMiB?.toFixed(0) ?? '',
          'align s': cost.json?.seconds?.align?.toFixed(1) ?? '',
          'fuse s': cost.json?.seconds?.fuse?.toFixed(1) ?? '',
          'finish s': cost.json?.profile?.finish?.toFixed(1) ?? '',
          'load (1 min) before': load,
        };
        rows.push(row);
        console.log(`  ${row.run}: ${row['wall s']} s wall, ${row['CPU s']} s CPU, ${row['peak RSS MiB']} MiB RSS, ${row['peak temp MiB']} MiB temp (load ${load})`);
        if (cost.json?.profile) printProfile(c.label, cost.json.profile);
      } catch (error) {
        rows.push({ run: c.label, 'wall s': `failed: ${(error as Error).message}` });
      }
      if (!values.keep) rmSync(work, { recursive: true, force: true });
    }
  }
  if (values.enfuse) rows.push(await enfuseRow(stack, join(root, 'build', 'bench-large-enfuse'), values.keep));
  printTable('Planewise on 20 x 24 MP (pcb10 upscaled; odd frames zoomed 0.3 % and rotated 0.1 deg)', rows);
  printPeers();
}

/** The engine's own StackResult.profile: seconds per stage, summed over tiles and workers (so above wall with N threads). */
function printProfile(label: string, profile: Record<string, number>): void {
  const total = Object.values(profile).reduce((s, v) => s + v, 0);
  const rows = Object.entries(profile).sort((a, b) => b[1] - a[1]).map(([stage, s]) => ({ stage, s: s.toFixed(1), '% of sum': ((100 * s) / total).toFixed(1) }));
  printTable(`Engine profile: ${label} (seconds per stage, summed over workers; sum ${total.toFixed(1)} s)`, rows);
}

/** The enfuse recipe of peer-figures.md (alignment needs -t 9 at this size); optional, ~450 s. */
async function enfuseRow(stack: string, work: string, keep: boolean | undefined): Promise<Row> {
  if (!existsSync('/usr/bin/enfuse') || !existsSync('/usr/bin/align_image_stack')) return { run: 'enfuse recipe', 'wall s': 'not installed (apt-get install enfuse hugin-tools)' };
  rmSync(work, { recursive: true, force: true });
  const frames = readdirSync(stack).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(stack, f));
  try {
    const align = await measure(['/usr/bin/align_image_stack', '-m', '-C', '--use-given-order', '-t', '9', '-a', 'out/aligned_', ...frames], work);
    const aligned = readdirSync(join(work, 'out')).filter((f) => f.startsWith('aligned_')).sort().map((f) => `out/${f}`);
    const fuse = await measure(['/usr/bin/enfuse', '--exposure-weight=0', '--saturation-weight=0', '--contrast-weight=1', '--hard-mask', '--contrast-window-size=9', '-o', 'out/enfused.tif', ...aligned], work);
    return {
      run: 'enfuse recipe (align_image_stack -t 9 + enfuse)',
      'wall s': (align.wall + fuse.wall).toFixed(1),
      'CPU s': (align.cpu + fuse.cpu).toFixed(1),
      'CPU %': ((100 * (align.cpu + fuse.cpu)) / (align.wall + fuse.wall)).toFixed(0),
      'peak RSS MiB': Math.max(align.maxRssMiB, fuse.maxRssMiB).toFixed(0),
      'align s': align.wall.toFixed(1),
      'fuse s': fuse.wall.toFixed(1),
    };
  } catch (error) {
    return { run: 'enfuse recipe', 'wall s': `failed: ${(error as Error).message}` };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/** The peers' row for this stack, quoted from ../shared/docs/peer-figures.md (not re-run). */
function printPeers(): void {
  if (!existsSync(peerFigures)) return;
  const text = readFileSync(peerFigures, 'utf8');
  const header = text.split('\n').find((l) => l.startsWith('| stack'));
  const row = text.split('\n').find((l) => l.startsWith('| 20 × 24 MP'));
  if (!header || !row) return;
  const names = header.split('|').slice(2, -1).map((s) => s.trim());
  const cells = row.split('|').slice(2, -1).map((s) => s.trim());
  printTable('Peers on the same stack (from ../shared/docs/peer-figures.md, not re-run; ±30 % on a shared machine)', names.map((peer, i) => ({ peer, 'wall, peak RSS': cells[i] ?? '' })));
}

