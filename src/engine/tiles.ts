import type { Rect } from './types.js';

export interface Tile {
  /** Pixels this tile is responsible for, in crop coordinates. */
  core: Rect;
  /** Core plus margin (clipped to the crop): what is computed so filters near the core's edge see real data. */
  outer: Rect;
}

export interface TilePlan {
  tiles: Tile[];
  margin: number;
}

/**
 * Splits the crop into tiles whose working set fits the memory budget. Full-width bands are preferred (they
 * stream straight into row-ordered outputs); columns are split only when a band of `minCore` rows would not
 * fit. `bytesPerPixel` is the engine's working memory per outer-tile pixel.
 */
export function planTiles(crop: { width: number; height: number }, margin: number, bytesPerPixel: number, budgetBytes: number, minCore = 64): TilePlan {
  const maxPixels = Math.max(1, Math.floor(budgetBytes / bytesPerPixel));
  const fits = (w: number, h: number) => (w + 2 * margin) * (h + 2 * margin) <= maxPixels;
  let columns = 1;
  while (!fits(Math.ceil(crop.width / columns), Math.min(minCore, crop.height)) && Math.ceil(crop.width / columns) > minCore) columns++;
  const coreWidth = Math.ceil(crop.width / columns);
  const outerWidth = Math.min(crop.width, coreWidth + (columns > 1 ? 2 * margin : 0));
  let coreHeight = Math.floor(maxPixels / outerWidth) - 2 * margin;
  coreHeight = Math.max(Math.min(minCore, crop.height), Math.min(crop.height, coreHeight));
  const rows = Math.ceil(crop.height / coreHeight);
  coreHeight = Math.ceil(crop.height / rows); // even out the bands
  const tiles: Tile[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const core: Rect = {
        left: c * coreWidth,
        top: r * coreHeight,
        width: Math.min(coreWidth, crop.width - c * coreWidth),
        height: Math.min(coreHeight, crop.height - r * coreHeight),
      };
      if (core.width <= 0 || core.height <= 0) continue;
      const left = Math.max(0, core.left - margin);
      const top = Math.max(0, core.top - margin);
      const right = Math.min(crop.width, core.left + core.width + margin);
      const bottom = Math.min(crop.height, core.top + core.height + margin);
      tiles.push({ core, outer: { left, top, width: right - left, height: bottom - top } });
    }
  }
  return { tiles, margin };
}
