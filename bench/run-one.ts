// Child process for the bench: one stacking run, then its own peak RSS, as one JSON line on stdout.
import { FileHost, loadNodeKernels } from '../src/host-bridge/files/index.js';
import type { FusionMode } from '../src/engine/options.js';
import type { KernelKind } from '../src/wasm/kernels.js';

const [input, outDir, mode, kernels] = process.argv.slice(2) as [string, string, FusionMode, KernelKind];
const k = await loadNodeKernels(kernels);
const host = new FileHost([input], { psd: `${outDir}/bench.psd`, composite: `${outDir}/bench.png`, depth: `${outDir}/bench-depth.png` }, k);
const result = await host.stack({ options: { mode } });
process.stdout.write(JSON.stringify({
  seconds: result.seconds,
  kernels: result.kernels,
  crop: result.crop,
  frames: result.frames.length,
  tiles: result.tiles,
  arenaPeakMiB: result.arenaPeakBytes / 1048576,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
