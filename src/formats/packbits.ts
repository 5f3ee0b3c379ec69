/**
 * PackBits run-length encoding (TIFF 6.0, section 9; the "RLE" of Adobe's Photoshop File Formats
 * Specification, compression 1): a header byte n in 0..127 copies the next n + 1 bytes literally; n in
 * 129..255 (-127..-1 signed) repeats the next byte 257 - n times; 128 is a no-op.
 *
 * A row is encoded as independent CHUNK-sample pieces at fixed columns (0, 128, 256, ...). Packets never cross
 * a chunk boundary, so a row's encoding is the concatenation of its chunks' encodings: tiles can encode the
 * chunks they hold as they arrive, in any order, and the bytes do not depend on where the tiles were cut. A
 * chunk is also exactly one maximal literal packet long, so the chunking costs almost nothing in size.
 *
 * Encoding reads the samples straight out of interleaved pixels (a start and a stride), so no channel plane is
 * gathered first. Runs of three or more equal bytes become run packets (a run of two only at a packet's
 * start, where it costs no more than a literal); everything else is literal.
 */

/** Samples per independently encoded piece of a row; also PackBits' longest packet. */
export const CHUNK = 128;

/** Bytes the encoding of `samples` contiguous samples can take at most (one header byte per chunk). */
export function packBitsBound(samples: number): number {
  return samples + Math.ceil(samples / CHUNK);
}

/**
 * Encodes `count` samples (count <= CHUNK), src[start], src[start + stride], ..., into out[o..]; returns the
 * offset after them.
 */
export function packChunk(src: Uint8Array, start: number, stride: number, count: number, out: Uint8Array, o: number): number {
  const end = start + count * stride;
  const last = end - stride;
  let p = start;
  while (p < end) {
    const v = src[p]!;
    p += stride;
    if (p < end && src[p] === v) {
      let run = 2;
      for (p += stride; p < end && src[p] === v; p += stride) run++;
      out[o++] = 257 - run;
      out[o++] = v;
      continue;
    }
    // A literal, up to the next run of three (two equal bytes inside a literal cost less kept in it). One
    // combined test per byte: the loop's only branch that depends on the data is the (rare) run.
    const header = o++;
    out[o++] = v;
    let previous = v;
    let current = p < end ? src[p]! : 0;
    for (; p < last; p += stride) {
      const next = src[p + stride]!;
      if (((previous ^ current) | (current ^ next)) === 0) break;
      out[o++] = current;
      previous = current;
      current = next;
    }
    if (p < last) {
      // `previous` starts the run: take it back out of the literal (which then still holds its first byte).
      o--;
      p -= stride;
    } else if (p < end) {
      out[o++] = current; // the chunk's last byte ends the literal
      p += stride;
    }
    out[header] = o - header - 2;
  }
  return o;
}

/**
 * Encodes the whole chunks of columns x0..x1-1 of one row (x0 on a chunk boundary; x1 on one, or the row's end)
 * whose first sample is src[start]; returns the offset after them.
 */
export function packChunks(src: Uint8Array, start: number, stride: number, x0: number, x1: number, out: Uint8Array, o: number): number {
  for (let x = x0, p = start; x < x1; x += CHUNK, p += CHUNK * stride) o = packChunk(src, p, stride, Math.min(CHUNK, x1 - x), out, o);
  return o;
}
