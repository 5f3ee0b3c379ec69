import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { dequantizeInto, quantizePlanes } from './pixels.js';

/**
 * Layer masks that reproduce the weighted composite under Photoshop's normal blending.
 *
 * Given per-frame weights w_i >= 0, the composite is C = sum_i w_i F_i / sum_i w_i. Stacking layers bottom
 * (i = 0) to top with masks m_i and normal blending computes C_0 = F_0, C_i = m_i F_i + (1 - m_i) C_{i-1}.
 * Choosing
 *
 *     m_i = w_i / W_i,   W_i = w_0 + ... + w_i   (m_0 = 1)
 *
 * gives C_i = sum_{j<=i} w_j F_j / W_i by induction, so the top of the stack equals C. Masks and layer pixels
 * are quantised to the output bit depth before they enter the recurrence, so the composite computed here is
 * exactly what the written layers and masks produce, up to Photoshop's own rounding.
 */
export class MaskStack {
  /** Running W_i. */
  private readonly cumulative: Plane;
  readonly composite: Plane[];
  private readonly mask: Plane;
  private frames = 0;

  constructor(private readonly k: Kernels, width: number, height: number, channels: number, private readonly bitDepth: 8 | 16) {
    const arena = k.arena;
    this.cumulative = arena.plane(width, height);
    this.mask = arena.plane(width, height);
    this.composite = Array.from({ length: channels }, () => arena.plane(width, height));
    for (const p of [this.cumulative, ...this.composite]) arena.planeData(p).fill(0);
  }

  /**
   * Adds the next frame (its planes already quantised as written) with weight `w`. Returns a pointer to the
   * quantised mask (single channel, output bit depth), allocated in the caller's arena scope.
   */
  add(frame: Plane[], w: Plane): number {
    const k = this.k;
    const n = w.width * w.height;
    k.addScaled(this.cumulative.ptr, w.ptr, n, 1);
    if (this.frames === 0) k.arena.planeData(this.mask).fill(1);
    // Where nothing at or below this layer has weight yet, show this layer: a later layer with weight will cover it.
    else k.divideSafe(w.ptr, this.cumulative.ptr, this.mask.ptr, n, 1e-30, 1);
    const quantized = quantizePlanes(k, [this.mask], this.bitDepth);
    dequantizeInto(k, quantized, [this.mask], this.bitDepth);
    frame.forEach((plane, c) => k.blendNormal(this.composite[c]!.ptr, plane.ptr, this.mask.ptr, n));
    this.frames++;
    return quantized;
  }
}
