import { describe, expect, it } from 'vitest';
import { validCrop } from '../src/engine/crop.js';
import type { Affine } from '../src/engine/types.js';

const identity: Affine = [1, 0, 0, 0, 1, 0];
/** Rounding can give -0 for a zero edge; compare as plain numbers. */
const crop = (...args: Parameters<typeof validCrop>) => JSON.parse(JSON.stringify(validCrop(...args)));

describe('valid crop', () => {
  it('is the whole frame when every frame covers it', () => {
    expect(crop([identity, identity], 40, 30)).toEqual({ left: 0, top: 0, width: 40, height: 30 });
  });

  it('stays inside each frame\'s valid area, seen through its transform', () => {
    // Frame 1 holds data only in columns 5.. and rows ..24; it is shifted 2 px right of the reference.
    const shifted: Affine = [1, 0, 2, 0, 1, 0];
    // In reference coordinates frame 1's data spans x 3..37 (its x 5..39 minus the shift), y 0..24.
    expect(crop([identity, shifted], 40, 30, [undefined, { left: 5, top: 0, width: 35, height: 25 }])).toEqual({ left: 3, top: 0, width: 35, height: 25 });
  });

  it('refuses frames whose valid areas do not overlap', () => {
    expect(() => validCrop([identity, identity], 40, 30, [{ left: 0, top: 0, width: 10, height: 30 }, { left: 20, top: 0, width: 20, height: 30 }])).toThrow(/do not overlap/);
  });
});
