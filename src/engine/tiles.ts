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
 * Splits the crop into tiles whose working set fits the memory budget, choosing the grid that processes the
 * fewest pixels (cores plus margins): with a wide pyramid margin, square-ish tiles waste far less than thin
 * full-width bands. Among equal grids, fewer columns win (full-width bands stream straight into row-ordered
 * outputs). `bytesPerPixel` is the engine's working memory per outer-tile pixel.
 */
export function planTiles(crop: { width: number; height: number }, margin: number, bytesPerPixel: number, budgetBytes: number, grid = 1, minCore = 64): TilePlan {
  const maxPixels = Math.max(1, Math.floor(budgetBytes / bytesPerPixel));
  // Margins are only needed on sides that border another tile.
  const outer = (size: number, parts: number) => Math.min(size, Math.ceil(size / parts) + (parts > 1 ? 2 * margin : 0));
  const processed = (columns: number, rows: number) => gridTiles(crop, columns, rows, margin, grid).reduce((sum, t) => sum + t.outer.width * t.outer.height, 0);
  let best: { columns: number; rows: number; pixels: number } | undefined;
  const maxColumns = Math.max(1, Math.floor(crop.width / minCore));
  const maxRows = Math.max(1, Math.floor(crop.height / minCore));
  for (let columns = 1; columns <= maxColumns; columns++) {
    let rows = 1;
    while (outer(crop.width, columns) * outer(crop.height, rows) > maxPixels && rows < maxRows) rows++;
    const fits = outer(crop.width, columns) * outer(crop.height, rows) <= maxPixels;
    const pixels = processed(columns, rows);
    // A grid that fits always beats one that does not; then the fewest processed pixels (2 % counts as equal).
    if (!best || (fits && (best.pixels < 0 || pixels < best.pixels * 0.98))) best = { columns, rows, pixels: fits ? pixels : -1 };
    if (fits && rows === 1) break;
  }
  return { tiles: gridTiles(crop, best!.columns, best!.rows, margin, grid), margin };
}

function gridTiles(crop: { width: number; height: number }, columns: number, rows: number, margin: number, grid: number): Tile[] {
  const up = (v: number) => Math.ceil(v / grid) * grid;
  const down = (v: number) => Math.floor(v / grid) * grid;
  const coreWidth = up(Math.ceil(crop.width / columns));
  const coreHeight = up(Math.ceil(crop.height / rows));
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
      const left = Math.max(0, down(core.left - margin));
      const top = Math.max(0, down(core.top - margin));
      const right = Math.min(crop.width, up(core.left + core.width + margin));
      const bottom = Math.min(crop.height, up(core.top + core.height + margin));
      tiles.push({ core, outer: { left, top, width: right - left, height: bottom - top } });
    }
  }
  return tiles;
}
