/**
 * The slice of `require('photoshop')` the adapter uses. Every member is taken from @types/photoshop
 * (Pick / indexed types), so the adapter, the real module and the test fake all meet at one interface
 * that cannot drift from the published API shapes; src/panel checks the real module against it at compile time.
 */
import type * as PhotoshopModule from 'photoshop';

type Module = typeof PhotoshopModule;
type RealDocument = Module['app']['activeDocument'];
type RealLayer = RealDocument['layers'][number];
type Placement = Module['constants']['ElementPlacement'][keyof Module['constants']['ElementPlacement']];

export interface PsLayer extends Pick<RealLayer, 'id' | 'name' | 'kind' | 'visible' | 'isBackgroundLayer' | 'boundsNoEffects'> {
  /** Children of a group; null for other layers. */
  readonly layers: ArrayLike<PsLayer> & Iterable<PsLayer> | null;
  move(relativeObject: PsLayer, insertLocation: Placement): void;
}

export interface PsDocument extends Pick<RealDocument, 'id' | 'name' | 'width' | 'height' | 'mode' | 'bitsPerChannel'> {
  /** Top-level layers, top of the stack first. */
  readonly layers: ArrayLike<PsLayer> & Iterable<PsLayer>;
  readonly activeLayers: ArrayLike<PsLayer> & Iterable<PsLayer>;
  createPixelLayer(options?: { name?: string }): Promise<PsLayer | null>;
  createLayerGroup(options?: { name?: string }): Promise<PsLayer | null>;
}

export interface Photoshop {
  app: { readonly activeDocument: PsDocument | null };
  core: Pick<Module['core'], 'executeAsModal'>;
  action: Pick<Module['action'], 'batchPlay' | 'addNotificationListener' | 'removeNotificationListener'>;
  imaging: Pick<Module['imaging'], 'getPixels' | 'putPixels' | 'getLayerMask' | 'putLayerMask' | 'createImageDataFromBuffer' | 'encodeImageData'>;
  constants: { ElementPlacement: Pick<Module['constants']['ElementPlacement'], 'PLACEINSIDE' | 'PLACEBEFORE' | 'PLACEAFTER'> };
}

export type ExecutionContext = Parameters<Parameters<Module['core']['executeAsModal']>[0]>[0];
export type ImageData = Awaited<ReturnType<Module['imaging']['createImageDataFromBuffer']>>;

/** Full-scale value of 16-bit image data in Photoshop (its internal range is 0..32768). */
export const PS_16BIT_MAX = 32768;
