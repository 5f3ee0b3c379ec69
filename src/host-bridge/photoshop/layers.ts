/**
 * Finding and arranging layers. Where Photoshop puts a new layer or group is not documented (plugins report
 * the top of the stack, inside a top group; batchPlay puts them above the selection), so nothing here
 * trusts it: every placement is checked by layer id and repaired with explicit moves.
 */
import type { Photoshop, PsDocument, PsLayer } from './types.js';

/** A layer anywhere in the tree (groups searched recursively), by id. */
export function findLayer(layers: Iterable<PsLayer>, id: number): PsLayer | undefined {
  for (const layer of layers) {
    if (layer.id === id) return layer;
    const inner = layer.layers ? findLayer(layer.layers, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** Every layer in the tree that matches, in stack order (top first, a group before its contents). */
export function collectLayers(layers: Iterable<PsLayer>, match: (layer: PsLayer) => boolean, out: PsLayer[] = []): PsLayer[] {
  for (const layer of layers) {
    if (match(layer)) out.push(layer);
    if (layer.layers) collectLayers(layer.layers, match, out);
  }
  return out;
}

const ids = (layers: Iterable<PsLayer>) => [...layers].map((l) => l.id);

/** Puts `layer` at the top of the document's top level, wherever Photoshop created it. */
export function moveToTopLevel(ps: Photoshop, doc: PsDocument, layer: PsLayer): void {
  const top = doc.layers[0];
  if (top && top.id !== layer.id) layer.move(top, ps.constants.ElementPlacement.PLACEBEFORE);
  if (doc.layers[0]?.id !== layer.id) throw new Error(`Photoshop did not move "${layer.name}" to the top of the document`);
}

/** Puts `layer` at the top of `group`'s contents. */
export function moveToTopOfGroup(ps: Photoshop, layer: PsLayer, group: PsLayer): void {
  const { PLACEINSIDE, PLACEBEFORE } = ps.constants.ElementPlacement;
  const first = group.layers?.[0];
  if (first?.id === layer.id) return;
  layer.move(group, PLACEINSIDE);
  const top = group.layers?.[0];
  if (top && top.id !== layer.id) layer.move(top, PLACEBEFORE);
}

/**
 * Makes `group`'s contents exactly `expected` (top first), checked by id: repairs the order with moves and
 * throws (so the caller's history step rolls back) if Photoshop will not keep it.
 */
export function ensureGroupOrder(ps: Photoshop, group: PsLayer, expected: PsLayer[]): void {
  const want = ids(expected);
  const same = () => JSON.stringify(ids(group.layers ?? [])) === JSON.stringify(want);
  if (same()) return;
  moveToTopOfGroup(ps, expected[0]!, group);
  for (let i = 1; i < expected.length; i++) expected[i]!.move(expected[i - 1]!, ps.constants.ElementPlacement.PLACEAFTER);
  if (!same()) throw new Error(`Photoshop did not keep the layers of "${group.name}" in order`);
}

/** A white (reveal all) user mask on `layer`, made explicitly so putLayerMask only ever paints into an existing mask. */
export async function addRevealAllMask(ps: Photoshop, layer: PsLayer): Promise<void> {
  const results = await ps.action.batchPlay(
    [
      { _obj: 'select', _target: [{ _ref: 'layer', _id: layer.id }], makeVisible: false },
      { _obj: 'make', new: { _class: 'channel' }, at: { _ref: 'channel', _enum: 'channel', _value: 'mask' }, using: { _enum: 'userMaskEnabled', _value: 'revealAll' } },
    ],
    {},
  );
  // A failed command may resolve with an error descriptor instead of throwing.
  for (const r of results as { _obj?: string; message?: string }[]) {
    if (r?._obj === 'error') throw new Error(`Photoshop refused to add a layer mask to "${layer.name}": ${r.message ?? 'unknown error'}`);
  }
}
