import { CancelledError, InputError, OptionError } from '../host-bridge/photoshop/index.js';

/** One sentence for the panel, never a stack trace. */
export function errorSentence(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof OptionError) return optionSentence(error);
  if (error instanceof CancelledError) return 'Cancelled; the document is unchanged.';
  const first = String((error as Error)?.message ?? error).split('\n')[0]!.replace(/\.$/, '');
  return `Stacking failed: ${first}. The document is unchanged.`;
}

/** An option outside its range, as the panel words it: by its label, not its command-line flag, and where to change it. */
export function optionSentence(error: OptionError): string {
  return `${error.label.charAt(0).toUpperCase()}${error.label.slice(1)} ${error.requirement}; change it in the settings above.`;
}

/** "840 MB", "3.1 GB": decimal units, as Photoshop and the operating systems show file sizes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}
