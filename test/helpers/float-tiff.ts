/** A minimal uncompressed 32-bit floating-point grayscale TIFF (little endian), for the bad-input tests. */
export function floatTiff(width: number, height: number): Uint8Array {
  const entries: [number, number, number, number][] = [
    // tag, type (3 short, 4 long), count, value
    [256, 4, 1, width], [257, 4, 1, height], [258, 3, 1, 32], [259, 3, 1, 1], [262, 3, 1, 1],
    [273, 4, 1, 0], [277, 3, 1, 1], [278, 4, 1, height], [279, 4, 1, width * height * 4], [339, 3, 1, 3],
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = ifdOffset + ifdSize;
  entries[5]![3] = dataOffset;
  const buf = new DataView(new ArrayBuffer(dataOffset + width * height * 4));
  buf.setUint16(0, 0x4949, true);
  buf.setUint16(2, 42, true);
  buf.setUint32(4, ifdOffset, true);
  buf.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdOffset + 2 + i * 12;
    buf.setUint16(at, tag, true);
    buf.setUint16(at + 2, type, true);
    buf.setUint32(at + 4, count, true);
    if (type === 3) buf.setUint16(at + 8, value, true);
    else buf.setUint32(at + 8, value, true);
  });
  for (let i = 0; i < width * height; i++) buf.setFloat32(dataOffset + i * 4, 0.5, true);
  return new Uint8Array(buf.buffer);
}
