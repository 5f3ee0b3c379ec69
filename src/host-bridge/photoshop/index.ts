/**
 * The Photoshop adapter's facade: everything the panel uses, and nothing else is imported by it. It
 * re-exports the shared host-bridge interface (the option table, progress and result types, errors,
 * Kernels) with the Photoshop host, the retouch helpers, thumbnails, the document watcher, kernel loading
 * for UXP, the document-growth estimate and the compatibility self-check.
 */
export * from '../index.js';
export { PhotoshopHost, USER_OPTIONS } from './host.js';
export { findStack } from './frames.js';
export { recomposite, setSourcesVisible } from './retouch.js';
export { watchDocument } from './document-watch.js';
export { ThumbnailCache } from './thumbnails.js';
export { loadPhotoshopKernels } from './kernels.js';
export { documentGrowth, LARGE_GROWTH_BYTES, type Canvas } from './growth.js';
export type { Photoshop } from './types.js';
export { runSelfCheck, type SelfCheckReport, type CheckLine, type CheckStatus, type CheckId } from './self-check.js';
