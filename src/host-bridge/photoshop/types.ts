/** The slice of `require('photoshop')` the adapter uses, typed by @types/photoshop so it cannot drift. */
import type * as PhotoshopModule from 'photoshop';

export type Photoshop = Pick<typeof PhotoshopModule, 'app' | 'core' | 'action' | 'imaging' | 'constants'>;
export type PsDocument = (typeof PhotoshopModule)['app']['activeDocument'];
export type PsLayer = PsDocument['layers'][number];
export type ExecutionContext = Parameters<Parameters<(typeof PhotoshopModule)['core']['executeAsModal']>[0]>[0];

/** Full-scale value of 16-bit image data in Photoshop (its internal range is 0..32768). */
export const PS_16BIT_MAX = 32768;
