import { InputError } from '../index.js';
import type { Photoshop } from './types.js';

/** The first Photoshop whose `imaging` module is out of beta (Photoshop 24.2–24.3 had only `imaging_beta`). */
export const MIN_PHOTOSHOP_VERSION = '24.4';

export const IMAGING_MISSING = `Planewise needs Photoshop ${MIN_PHOTOSHOP_VERSION} or newer for its imaging API, which this Photoshop lacks: update Photoshop from the Creative Cloud app, then open the panel again.`;

/** Throws InputError (one sentence naming the version needed) when this Photoshop has no imaging module. */
export function assertImaging(ps: Photoshop): void {
  if (!(ps as Partial<Photoshop>).imaging) throw new InputError(IMAGING_MISSING);
}
