/**
 * Ways a Photoshop could differ from what the adapter assumes. The fake follows Adobe's documentation and
 * what plugins running in Photoshop report (see docs/photoshop-compatibility.md); each quirk breaks one of
 * those assumptions, so tests can show that the self-check names the one that is broken and that the
 * adapter copes where it claims to.
 */
export interface FakeQuirks {
  /** No `imaging` module (Photoshop before 24.4; 24.2–24.3 had it only as `imaging_beta`). */
  noImaging?: boolean;
  /** doc.layers and group.layers list the bottom of the stack first. */
  layersBottomFirst?: boolean;
  /** New layers and groups land directly above the active layer, inside its group. */
  newLayersAboveActive?: boolean;
  /** move(x, placeInside) puts x at the bottom of the group. */
  placeInsideAtBottom?: boolean;
  /** putLayerMask with replace: false still discards the rest of the mask (black outside the data). */
  maskWritesResetMask?: boolean;
  /** getPixels with targetSize ignores sourceBounds and returns the whole layer. */
  targetSizeWholeLayer?: boolean;
  /** 16-bit image data in 0..65535 instead of Photoshop's documented 0..32768. */
  sixteenBitFullRange?: boolean;
  /** Layer reads never carry an alpha channel, so transparency is invisible to the plugin. */
  readsWithoutAlpha?: boolean;
  /** getPixels and getLayerMask work outside a modal scope. */
  readsOutsideModal?: boolean;
  /** Errors thrown inside executeAsModal reach the caller unchanged (class and all). */
  errorsKeepClass?: boolean;
  /** A throw inside executeAsModal commits the suspended history instead of rolling it back. */
  noRollback?: boolean;
}

export type QuirkName = keyof FakeQuirks;
