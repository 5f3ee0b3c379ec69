import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  CancelledError, FileHost, FileSystemError, InputError, loadNodeKernels, OptionError, orList, OutputPathError, parseOptionText,
  removeLeftoversNow, resolveSettings, STACK_OPTIONS, type KernelKind, type OptionName, type OptionSpec, type StackResult, type StackSettings,
} from '../host-bridge/files/index.js';
import { progressDisplay } from './progress-display.js';
import { catchInterrupts, exitCodeFor } from './signals.js';

export const EXIT = { ok: 0, badInput: 1, usage: 2, interrupted: 130 } as const;

const KERNEL_KINDS: KernelKind[] = ['wasm-simd', 'wasm-scalar', 'typescript'];

/** One option's lines in --help, made from the option table. */
function helpFor(spec: OptionSpec): string {
  const value = spec.type === 'choice' ? spec.choices.map((c) => c.value).join('|') : `<${spec.unit}>`;
  const head = `  --${spec.flag} ${value}`;
  const range = spec.type === 'number' ? `; ${spec.min}..${spec.max}` : '';
  const lines = [`${spec.help} (default ${spec.default}${range})`];
  if (spec.type === 'choice') lines.push(...spec.choices.map((c) => `  ${c.value}: ${c.help}`));
  return [head, ...lines.map((l) => `      ${l}`)].join('\n');
}

export const HELP = `planewise stack <folder | files...> [options]

Aligns and focus-stacks a series of frames (JPEG, PNG or TIFF, 8 or 16 bit, same size),
ordered by file name, first = nearest focus.

Outputs (at least one):
  --out <file.psd>         layered document: the composite on top of the layers chosen
                           by --layers (PSB when too large for PSD)
  --composite <file>       flattened result: .tif/.png (16-bit for 16-bit input) or .jpg
  --depth <file.png>       8-bit depth map: frame index scaled 0..255, near to far
  --transforms <file.json> reference frame, crop and one 2x3 affine matrix per frame
                           (reference-frame pixel coordinates -> frame coordinates)

Stacking options:
${Object.values(STACK_OPTIONS).map(helpFor).join('\n')}

Other options:
  --reverse                the frames were shot far to near
  --threads <n>            worker threads aligning and fusing (default: every core, here ${availableParallelism()});
                           the result is the same for any number
  --kernels ${KERNEL_KINDS.join('|')}   force a kernel backend
  --json                   print a JSON summary on stdout
  -h, --help               this help

Outputs appear all together or not at all: a failed or interrupted run (Ctrl-C, SIGTERM, SIGHUP)
leaves earlier files at the output paths as they were and no partial files.

Exit codes: 0 done, 1 bad input or a file-system problem (one line naming the file),
2 usage error, 130 interrupted (129 on SIGHUP, 143 on SIGTERM).
`;

/** Where run() writes; tests pass their own streams to call it in process. */
export interface CliStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function run(argv: string[], io: CliStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
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
        reverse: { type: 'boolean', default: false },
        kernels: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...Object.fromEntries(Object.values(STACK_OPTIONS).map((spec) => [spec.flag, { type: 'string' as const }])),
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
  const given: Partial<Record<OptionName, unknown>> = {};
  for (const [name, spec] of Object.entries(STACK_OPTIONS) as [OptionName, OptionSpec][]) {
    const text = (values as Record<string, unknown>)[spec.flag];
    if (typeof text === 'string') given[name] = parseOptionText(spec, text);
  }
  let settings: StackSettings;
  try {
    settings = resolveSettings(given);
  } catch (error) {
    if (error instanceof OptionError) return usage(error.message);
    throw error;
  }
  const kernelKind = values.kernels as KernelKind | undefined;
  if (kernelKind && !KERNEL_KINDS.includes(kernelKind)) return usage(`--kernels must be ${orList(KERNEL_KINDS)}`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) return usage('--threads must be a whole number from 1 to 256');
  if (!values.out && !values.composite && !values.depth && !values.transforms) return usage('nothing to write: give --out, --composite, --depth or --transforms');

  const kernels = await loadNodeKernels(kernelKind, (m) => io.stderr.write(`planewise: ${m}\n`));
  const host = new FileHost(
    inputs,
    {
      ...(values.out ? { psd: values.out } : {}),
      ...(values.composite ? { composite: values.composite } : {}),
      ...(values.depth ? { depth: values.depth } : {}),
      ...(values.transforms ? { transforms: values.transforms } : {}),
    },
    kernels,
    {
      ...(threads === undefined ? {} : { threads }),
      onNotice: (notice) => io.stderr.write(`planewise: ${notice.kind}: ${notice.message}\n`),
    },
  );
  const display = progressDisplay(io.stderr);
  const interrupts = catchInterrupts((signal) => {
    removeLeftoversNow();
    io.stderr.write('\nplanewise: stopped at once; no output written.\n');
    process.exit(exitCodeFor(signal));
  });
  try {
    const result = await host.stack({
      reverse: values.reverse,
      options: settings,
      onProgress: display.update,
      signal: interrupts.signal,
    });
    display.done();
    if (values.json) io.stdout.write(JSON.stringify(summary(result), null, 2) + '\n');
    else io.stderr.write(describe(result));
    return EXIT.ok;
  } catch (error) {
    display.done();
    if (error instanceof InputError || error instanceof FileSystemError) {
      io.stderr.write(`planewise: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof OutputPathError) return usage(error.message);
    if (error instanceof CancelledError) {
      io.stderr.write('planewise: cancelled; no output written.\n');
      return interrupts.received ? exitCodeFor(interrupts.received) : EXIT.interrupted;
    }
    throw error;
  } finally {
    interrupts.dispose();
  }
}

function summary(result: StackResult) {
  return {
    mode: result.mode,
    pyramidShare: result.pyramidShare,
    reference: result.reference,
    crop: result.crop,
    kernels: result.kernels,
    tiles: result.tiles,
    arenaPeakMiB: Math.round((result.arenaPeakBytes / 1048576) * 10) / 10,
    seconds: result.seconds,
    profile: result.profile,
    settings: result.settings,
    frames: result.frames,
  };
}

function describe(result: StackResult): string {
  const warnings = result.frames.filter((f) => f.warning).map((f) => `  warning: ${f.name}: ${f.warning}\n`);
  const detail = result.mode === 'hybrid' ? `, pyramid detail on ${Math.round(100 * result.pyramidShare)} %` : '';
  const what = result.tiles > 0 ? `stacked ${result.frames.length} frames (${result.mode}${detail}, ${result.kernels} kernels) into` : `aligned ${result.frames.length} frames; common area`;
  return `planewise: ${what} ${result.crop.width}x${result.crop.height} in ${result.seconds.total.toFixed(1)} s\n` + warnings.join('');
}
