import type { Photoshop } from '../host-bridge/photoshop/index.js';

/**
 * The real Photoshop module, checked at compile time against the interface the adapter (and the test fake)
 * use: if @types/photoshop and our interface disagree, this assignment fails to compile.
 */
export function photoshop(): Photoshop {
  const module = require('photoshop');
  const api: Photoshop = module;
  return api;
}
