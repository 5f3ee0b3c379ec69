import { resolveSettings, STACK_OPTIONS, type OptionName } from '../../engine/options.js';
import { stackFrames } from '../../engine/pipeline.js';
import type { StackResult } from '../../engine/types.js';
import type { Kernels } from '../../wasm/kernels.js';
import { CancelledError, type FrameEntry, type StackHost, type StackRequest } from '../index.js';
import { findStack, selectFrames } from './frames.js';
import { historyStep } from './history-step.js';
import { LayerFrameSource } from './layer-source.js';
import { LayerSink, type LayerOutputs } from './layer-sink.js';
import type { Photoshop } from './types.js';

/** Photoshop's budget for plugins is ~600 MB before warnings; the engine's tiles get well under half. */
const PHOTOSHOP_MEMORY_MIB = 192;
const COMMAND = 'Planewise focus stack';

/** The options a user sets in the panel: every option of the table but the memory budget, which this host decides. */
export const USER_OPTIONS = (Object.keys(STACK_OPTIONS) as OptionName[]).filter((name) => name !== 'memory');

/**
 * The Photoshop host: the active document's layers in, new layers out, as ONE history step. The document,
 * the frames and every option are validated before the modal scope opens, so refusals change nothing;
 * inside, history is suspended and rolled back on any failure or cancel, so the document is either fully
 * updated or exactly as it was.
 */
export class PhotoshopHost implements StackHost {
  constructor(
    private readonly ps: Photoshop,
    private readonly kernels: Kernels,
    private readonly outputs: LayerOutputs = { depthLayer: false, hideSources: false },
  ) {}

  async listFrames(): Promise<FrameEntry[]> {
    return findStack(this.ps).entries;
  }

  async stack(request: StackRequest = {}): Promise<StackResult> {
    const stack = findStack(this.ps);
    const frames = selectFrames(stack, request.frames, request.reverse ?? false);
    const settings = resolveSettings({ memory: PHOTOSHOP_MEMORY_MIB, ...request.options });
    const aborted = () => Boolean(request.signal?.aborted);
    if (aborted()) throw new CancelledError();
    return historyStep(this.ps, { documentID: stack.doc.id, name: COMMAND, cancelled: aborted }, async (ctx) => {
      const source = await LayerFrameSource.open(this.ps, stack, frames);
      return stackFrames(source, new LayerSink(this.ps, stack, frames, this.outputs), this.kernels, {
        ...settings,
        // Without a depth layer nothing reads the depth map, so none is made.
        depthMap: this.outputs.depthLayer,
        cancel: { get cancelled() { return ctx.isCancelled || aborted(); } },
        onProgress: (event) => {
          ctx.reportProgress({ value: event.fraction, commandName: event.message });
          request.onProgress?.(event);
        },
      });
    });
  }
}
