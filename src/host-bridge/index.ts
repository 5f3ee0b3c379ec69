/**
 * The one interface the panel and the CLI call. Each host (Photoshop, files) turns its documents into the
 * engine's FrameSource and ResultSink and reports problems with the input as InputError: one sentence that
 * names the layer or file and says what to do, raised before anything is changed. The adapters' own
 * facades (`photoshop/index.ts`, `files/index.ts`) re-export this module with their host, so the panel and
 * the CLI each import one module.
 */
import type { StackSettings } from '../engine/options.js';
import type { ProgressListener } from '../engine/progress.js';
import type { StackResult } from '../engine/types.js';

export { CancelledError, formatSeconds } from '../engine/progress.js';
export type { ProgressEvent, ProgressListener, Stage } from '../engine/progress.js';
export type { StackResult, FrameReport, FusionMode } from '../engine/types.js';
export {
  STACK_OPTIONS, DEFAULT_SETTINGS, OptionError, resolveSettings, optionRequirement, listChoices, orList, parseOptionText,
  type StackSettings, type OptionName, type OptionSpec, type ChoiceSpec, type NumberSpec, type AlignmentModel, type LayerOutput,
} from '../engine/options.js';
export type { Kernels, KernelKind } from '../wasm/kernels.js';
export { LAYER_NAMES, MODE_NAMES } from './layer-names.js';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A frame the host offers: a file or a layer. */
export interface FrameEntry {
  /** Layer id or file path. */
  id: string;
  name: string;
  /** False when the host will not use it (with the reason in `note`). */
  usable: boolean;
  note?: string;
}

export interface StackRequest {
  /** Ids of frames to use, near to far; default all usable frames in host order. */
  frames?: string[];
  /** Flip the order (when frames were shot far to near). */
  reverse?: boolean;
  options?: Partial<StackSettings>;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface StackHost {
  /** What the host would stack, for display and validation. */
  listFrames(): Promise<FrameEntry[]>;
  /** Validates, runs the engine and writes the results; throws InputError or CancelledError. */
  stack(request: StackRequest): Promise<StackResult>;
}
