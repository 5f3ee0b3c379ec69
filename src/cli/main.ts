import { parseArgs } from 'node:util';
import { CancelledError } from '../engine/progress.js';
import type { StackResult } from '../engine/types.js';
import { FileHost, loadNodeKernels } from '../host-bridge/files/index.js';
import { InputError } from '../host-bridge/index.js';
import type { KernelKind } from '../wasm/kernels.js';
import { progressDisplay } from './progress-display.js';

export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

export const HELP = `planewise stack <folder | files...> [options]

Aligns and focus-stacks a series of frames (JPEG, PNG or TIFF, 8 or 16 bit, same size),
ordered by file name, first = nearest focus.

Outputs (at least one):
  --out <file.psd>         layered document: each aligned frame with its layer mask,
                           the composite on top (PSB when too large for PSD)
  --composite <file>       flattened result: .tif/.png (16-bit for 16-bit input) or .jpg
  --depth <file.png>       8-bit depth map: frame index scaled 0..255, near to far
  --transforms <file.json> reference frame, crop and one 2x3 affine matrix per frame
                           (reference-frame pixel coordinates -> frame coordinates)

Options:
  --mode pyramid|depthmap  fusion method (default pyramid): pyramid keeps the most fine
                           detail; depthmap takes each pixel from its sharpest frames,
                           truer colour and less halo, softer transitions
  --reverse                the frames were shot far to near
  --align similarity|translation|none   alignment model (default similarity)
  --smoothing <px>         depth-map blend radius (default 2; larger is smoother, with wider halos)
  --slab-size <n>          also write sub-stack composites of n frames as hidden layers
  --slab-overlap <n>       frames shared by neighbouring sub-stacks (default 1)
  --memory <MiB>           working-memory budget for fusion tiles (default 512)
  --kernels wasm-simd|wasm-scalar|typescript   force a kernel backend
  --json                   print a JSON summary on stdout
  -h, --help               this help

Exit codes: 0 done, 1 bad input, 2 usage error.
`;

export async function run(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        composite: { type: 'string' },
        depth: { type: 'string' },
        transforms: { type: 'string' },
        mode: { type: 'string', default: 'pyramid' },
        reverse: { type: 'boolean', default: false },
        align: { type: 'string', default: 'similarity' },
        smoothing: { type: 'string' },
        memory: { type: 'string' },
        'slab-size': { type: 'string' },
        'slab-overlap': { type: 'string' },
        kernels: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`planewise: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const [command, ...inputs] = positionals;
  const usage = (message: string) => {
    io.stderr.write(`planewise: ${message}\nRun \`planewise --help\` for usage.\n`);
    return EXIT.usage;
  };
  if (command !== 'stack') return usage(command ? `unknown command "${command}"` : 'missing command');
  if (inputs.length === 0) return usage('give a folder or the frame files to stack');
  if (values.mode !== 'pyramid' && values.mode !== 'depthmap') return usage(`--mode must be pyramid or depthmap, not "${values.mode}"`);
  if (!['similarity', 'translation', 'none'].includes(values.align ?? '')) return usage(`--align must be similarity, translation or none`);
  const smoothing = values.smoothing === undefined ? undefined : Number(values.smoothing);
  if (smoothing !== undefined && !(smoothing >= 0 && smoothing <= 100)) return usage('--smoothing must be a number of pixels, 0..100');
  const memory = values.memory === undefined ? undefined : Number(values.memory);
  if (memory !== undefined && !(memory >= 16)) return usage('--memory must be at least 16 (MiB)');
  const slabSize = values['slab-size'] === undefined ? undefined : Number(values['slab-size']);
  const slabOverlap = values['slab-overlap'] === undefined ? 1 : Number(values['slab-overlap']);
  if (slabSize !== undefined && !(Number.isInteger(slabSize) && slabSize >= 2)) return usage('--slab-size must be a whole number of frames, at least 2');
  if (!(Number.isInteger(slabOverlap) && slabOverlap >= 0 && slabOverlap < (slabSize ?? Infinity))) return usage('--slab-overlap must be a whole number smaller than --slab-size');
  if (values.kernels && !['wasm-simd', 'wasm-scalar', 'typescript'].includes(values.kernels)) return usage('--kernels must be wasm-simd, wasm-scalar or typescript');
  if (!values.out && !values.composite && !values.depth && !values.transforms) return usage('nothing to write: give --out, --composite, --depth or --transforms');

  const kernels = await loadNodeKernels(values.kernels as KernelKind | undefined, (m) => io.stderr.write(`planewise: ${m}\n`));
  const host = new FileHost(
    inputs,
    {
      ...(values.out ? { psd: values.out } : {}),
      ...(values.composite ? { composite: values.composite } : {}),
      ...(values.depth ? { depth: values.depth } : {}),
      ...(values.transforms ? { transforms: values.transforms } : {}),
    },
    kernels,
  );
  const display = progressDisplay(io.stderr);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await host.stack({
      reverse: values.reverse,
      options: {
        mode: values.mode,
        alignment: values.align as 'similarity' | 'translation' | 'none',
        ...(smoothing !== undefined ? { smoothing } : {}),
        ...(memory !== undefined ? { memoryBudget: memory * 1024 * 1024 } : {}),
        ...(slabSize !== undefined ? { slabs: { size: slabSize, overlap: slabOverlap } } : {}),
      },
      onProgress: display.update,
      signal: abort.signal,
    });
    display.done();
    if (values.json) io.stdout.write(JSON.stringify(summary(result), null, 2) + '\n');
    else io.stderr.write(describe(result));
    return EXIT.ok;
  } catch (error) {
    display.done();
    if (error instanceof InputError) {
      io.stderr.write(`planewise: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof CancelledError) {
      io.stderr.write('planewise: cancelled; no output written.\n');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function summary(result: StackResult) {
  return {
    mode: result.mode,
    reference: result.reference,
    crop: result.crop,
    kernels: result.kernels,
    tiles: result.tiles,
    arenaPeakMiB: Math.round((result.arenaPeakBytes / 1048576) * 10) / 10,
    seconds: result.seconds,
    frames: result.frames,
  };
}

function describe(result: StackResult): string {
  const warnings = result.frames.filter((f) => f.warning).map((f) => `  warning: ${f.name}: ${f.warning}\n`);
  return (
    `planewise: stacked ${result.frames.length} frames (${result.mode}, ${result.kernels} kernels) into ` +
    `${result.crop.width}x${result.crop.height} in ${result.seconds.total.toFixed(1)} s\n` +
    warnings.join('')
  );
}
