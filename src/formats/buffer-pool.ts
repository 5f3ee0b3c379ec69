/**
 * Byte buffers handed out and taken back, so code that streams blocks through files reuses a few buffers
 * instead of faulting in fresh memory for every block. Best fit; the `keep` largest spares are kept.
 */
export class BufferPool {
  private static readonly EMPTY = new Uint8Array(0);
  private readonly spares: Uint8Array[] = [];

  constructor(private readonly keep = 4) {}

  /** A buffer of at least `bytes` (a shared empty one for 0). */
  take(bytes: number): Uint8Array {
    if (bytes === 0) return BufferPool.EMPTY;
    let best = -1;
    this.spares.forEach((b, i) => {
      if (b.length >= bytes && (best < 0 || b.length < this.spares[best]!.length)) best = i;
    });
    return best >= 0 ? this.spares.splice(best, 1)[0]! : new Uint8Array(bytes);
  }

  /** `buffer` if it holds `bytes`, else a larger one (giving `buffer` back). */
  grow(buffer: Uint8Array, bytes: number): Uint8Array {
    if (buffer.length >= bytes) return buffer;
    this.give(buffer);
    return this.take(bytes);
  }

  give(buffer: Uint8Array): void {
    if (buffer.length === 0) return;
    this.spares.push(buffer);
    if (this.spares.length > this.keep) this.spares.sort((a, b) => b.length - a.length).pop();
  }
}
