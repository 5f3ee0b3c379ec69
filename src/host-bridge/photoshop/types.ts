/**
 * The slice of `require('photoshop')` the adapter uses. Every member is taken from @types/photoshop
 * (Pick / indexed types), so the adapter, the real module and the test fake all meet at one interface
 * that cannot drift from the published API shapes; src/panel checks the real module against it at compile time.
 */
import type * as PhotoshopModule from 'photoshop';

type Module = typeof PhotoshopModule;
type RealDocument = Module['app']['activeDocument'];
type RealLayer = RealDocument['layers'][number];
type Constants = Module['constants'];
type Placement = Constants['ElementPlacement'][keyof Constants['ElementPlacement']];

export interface PsLayer extends Pick<RealLayer, 'id' | 'name' | 'kind' | 'visible' | 'isBackgroundLayer' | 'boundsNoEffects'> {
  /** Children of a group, top first; null for other layers. */
  readonly layers: ArrayLike<PsLayer> & Iterable<PsLayer> | null;
  move(relativeObject: PsLayer, insertLocation: Placement): void;
}

export interface PsDocument extends Pick<RealDocument, 'id' | 'name' | 'width' | 'height' | 'mode' | 'bitsPerChannel' | 'closeWithoutSaving'> {
  /** Top-level layers, top of the stack first. */
  readonly layers: ArrayLike<PsLayer> & Iterable<PsLayer>;
  readonly activeLayers: ArrayLike<PsLayer> & Iterable<PsLayer>;
  createPixelLayer(options?: { name?: string }): Promise<PsLayer | null>;
  createLayerGroup(options?: { name?: string }): Promise<PsLayer | null>;
}

/** What the self-check needs to make its scratch documents (a subset of DocumentCreateOptions). */
export interface NewDocumentOptions {
  name?: string;
  width: number;
  height: number;
  resolution?: number;
  mode: Constants['NewDocumentMode'][keyof Constants['NewDocumentMode']];
  fill: Constants['DocumentFill'][keyof Constants['DocumentFill']];
  depth: 8 | 16;
}

export interface Photoshop {
  app: {
    /** Null when no document is open; settable inside a modal scope. */
    activeDocument: PsDocument | null;
    documents: { add(options: NewDocumentOptions): Promise<PsDocument | null> };
  };
  core: Pick<Module['core'], 'executeAsModal'>;
  action: Pick<Module['action'], 'batchPlay' | 'addNotificationListener' | 'removeNotificationListener'>;
  /** Missing before Photoshop 24.4 (findStack and the self-check say so; nothing else may touch it first). */
  imaging: Pick<Module['imaging'], 'getPixels' | 'putPixels' | 'getLayerMask' | 'putLayerMask' | 'createImageDataFromBuffer' | 'encodeImageData'>;
  constants: {
    ElementPlacement: Pick<Constants['ElementPlacement'], 'PLACEINSIDE' | 'PLACEBEFORE' | 'PLACEAFTER'>;
    NewDocumentMode: Pick<Constants['NewDocumentMode'], 'RGB'>;
    DocumentFill: Pick<Constants['DocumentFill'], 'WHITE' | 'TRANSPARENT'>;
  };
}

export type ExecutionContext = Parameters<Parameters<Module['core']['executeAsModal']>[0]>[0];
export type ImageData = Awaited<ReturnType<Module['imaging']['createImageDataFromBuffer']>>;
