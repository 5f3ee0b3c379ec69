import { stackFrames } from '../../engine/pipeline.js';
import { CancelledError } from '../../engine/progress.js';
import type { StackResult } from '../../engine/types.js';
import type { Kernels } from '../../wasm/kernels.js';
import { InputError, type FrameEntry, type StackHost, type StackRequest } from '../index.js';
import { findStack, selectFrames, type DocumentStack, type LayerFrame } from './frames.js';
import { LayerFrameSource } from './layer-source.js';
import { LayerSink, type LayerOutputs } from './layer-sink.js';
import type { ExecutionContext, Photoshop } from './types.js';

export { findStack } from './frames.js';
export type { Photoshop } from './types.js';

/** Photoshop's budget for plugins is ~600 MB before warnings; the engine's tiles get well under half. */
const PHOTOSHOP_MEMORY_MIB = 192;
const COMMAND = 'Planewise focus stack';

/**
 * The Photoshop host: the active document's layers in, new layers out, as ONE history step. Everything is
 * validated before the modal scope opens, so refusals change nothing; inside, history is suspended and
 * rolled back on any failure or cancel, so the document is either fully updated or exactly as it was.
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
    if (request.signal?.aborted) throw new CancelledError();

    try {
      return await this.runModal(stack, frames, request);
    } catch (error) {
      if ((error as { number?: number }).number === 9) {
        throw new InputError('Photoshop is busy with another command or plugin; try again when it has finished.');
      }
      throw error;
    }
  }

  private runModal(stack: DocumentStack, frames: LayerFrame[], request: StackRequest): Promise<StackResult> {
    return this.ps.core.executeAsModal(async (ctx: ExecutionContext) => {
      const cancelled = () => ctx.isCancelled || Boolean(request.signal?.aborted);
      let suspension: Awaited<ReturnType<ExecutionContext['hostControl']['suspendHistory']>> | undefined;
      try {
        suspension = await ctx.hostControl.suspendHistory({ documentID: stack.doc.id, name: COMMAND });
        const result = await stackFrames(new LayerFrameSource(this.ps, stack, frames), new LayerSink(this.ps, stack, frames, this.outputs), this.kernels, {
          memory: PHOTOSHOP_MEMORY_MIB,
          ...request.options,
          cancel: { get cancelled() { return cancelled(); } },
          onProgress: (event) => {
            ctx.reportProgress({ value: event.fraction, commandName: event.message });
            request.onProgress?.(event);
          },
        });
        await ctx.hostControl.resumeHistory(suspension, true);
        return result;
      } catch (error) {
        // Roll back to exactly the document the user had. After a user cancel Photoshop refuses further
        // calls; it then rolls the suspension back itself when this scope throws.
        if (suspension) await ctx.hostControl.resumeHistory(suspension, false).catch(() => undefined);
        if (cancelled()) throw new CancelledError();
        throw error;
      }
    }, { commandName: COMMAND });
  }
}
