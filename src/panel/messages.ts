import { CancelledError, InputError } from '../host-bridge/index.js';

/** One sentence for the panel, never a stack trace. */
export function errorSentence(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof CancelledError) return 'Cancelled; the document is unchanged.';
  const first = String((error as Error)?.message ?? error).split('\n')[0]!.replace(/\.$/, '');
  return `Stacking failed: ${first}. The document is unchanged.`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
