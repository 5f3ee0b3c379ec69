import type { Photoshop } from './types.js';

/** Photoshop events after which the frame list may be stale. */
export const DOCUMENT_EVENTS = ['open', 'close', 'select', 'make', 'delete', 'set', 'move', 'show', 'hide', 'historyStateChanged'];

/** Calls `listener` after any of DOCUMENT_EVENTS; resolves to a function that stops listening. */
export async function watchDocument(ps: Photoshop, listener: () => void): Promise<() => Promise<void>> {
  const handler = () => listener();
  await ps.action.addNotificationListener(DOCUMENT_EVENTS, handler);
  return () => ps.action.removeNotificationListener(DOCUMENT_EVENTS, handler);
}
