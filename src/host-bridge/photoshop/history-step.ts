import { CancelledError, InputError } from '../index.js';
import type { ExecutionContext, Photoshop } from './types.js';

export interface ModalOptions {
  /** The modal command's name (and the history step's, for historyStep). */
  name: string;
  /** A cancel from outside Photoshop's own dialog (the panel's Cancel button). */
  cancelled?: () => boolean;
}

export interface HistoryStepOptions extends ModalOptions {
  documentID: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` inside executeAsModal and gives back what it returned or threw. An error thrown inside the
 * scope reaches executeAsModal's caller as a plain value without its class (reported by plugins running in
 * Photoshop), so the outcome is carried out in a variable: the caller gets the original error, or
 * CancelledError when the user cancelled, never Photoshop's re-wrapped value. Throwing inside is kept,
 * because that is what makes Photoshop roll back.
 */
export async function inModalScope<T>(ps: Photoshop, options: ModalOptions, work: (ctx: ExecutionContext) => Promise<T>): Promise<T> {
  let outcome: Outcome<T> | undefined;
  try {
    await ps.core.executeAsModal(async (ctx: ExecutionContext) => {
      try {
        outcome = { ok: true, value: await work(ctx) };
      } catch (error) {
        const cancelled = ctx.isCancelled || Boolean(options.cancelled?.()) || error instanceof CancelledError;
        outcome = { ok: false, error: cancelled ? new CancelledError() : error };
        throw error;
      }
    }, { commandName: options.name });
  } catch (raw) {
    if (outcome && !outcome.ok) throw outcome.error;
    throw modalRefusal(raw);
  }
  if (!outcome) throw new Error(`Photoshop ended "${options.name}" before it ran`);
  if (!outcome.ok) throw outcome.error; // Photoshop swallowed the throw
  return outcome.value;
}

/**
 * Runs `work` as ONE history step: suspendHistory, work, resumeHistory, inside a modal scope. On any
 * failure the suspension is rolled back explicitly (and Photoshop also rolls back what is still suspended
 * when the scope throws, which is what undoes a user's cancel, after which it refuses further calls), so
 * the document is either fully changed or exactly as it was.
 */
export function historyStep<T>(ps: Photoshop, options: HistoryStepOptions, work: (ctx: ExecutionContext) => Promise<T>): Promise<T> {
  return inModalScope(ps, options, async (ctx) => {
    let suspension: Awaited<ReturnType<ExecutionContext['hostControl']['suspendHistory']>> | undefined;
    try {
      suspension = await ctx.hostControl.suspendHistory({ documentID: options.documentID, name: options.name });
      const value = await work(ctx);
      await ctx.hostControl.resumeHistory(suspension, true);
      return value;
    } catch (error) {
      if (suspension) await ctx.hostControl.resumeHistory(suspension, false).catch(() => undefined);
      throw error;
    }
  });
}

/** Why executeAsModal failed when our own code never did: another modal command, or Photoshop's message. */
function modalRefusal(raw: unknown): Error {
  if ((raw as { number?: number } | undefined)?.number === 9) {
    return new InputError('Photoshop is busy with another command or plugin; try again when it has finished.');
  }
  const message = (raw as { message?: unknown } | undefined)?.message;
  return new Error(typeof message === 'string' ? message : String(raw));
}
