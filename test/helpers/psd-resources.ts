/**
 * The image resources of a PSD/PSB (Photoshop File Formats Specification, "Image Resources Section"),
 * read from the file's start: ag-psd skips resources it does not model (ICC 1039, EXIF 1058).
 */
export function psdImageResources(file: Uint8Array): Map<number, Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let p = 26; // signature, version, reserved, channels, height, width, depth, colour mode
  p += 4 + view.getUint32(p); // colour mode data
  const end = p + 4 + view.getUint32(p);
  p += 4;
  const resources = new Map<number, Uint8Array>();
  while (p < end) {
    if (String.fromCharCode(...file.subarray(p, p + 4)) !== '8BIM') throw new Error(`no resource signature at ${p}`);
    const id = view.getUint16(p + 4);
    const nameLength = file[p + 6]!;
    p += 6 + 1 + nameLength + ((1 + nameLength) % 2);
    const size = view.getUint32(p);
    resources.set(id, file.slice(p + 4, p + 4 + size));
    p += 4 + size + (size % 2);
  }
  return resources;
}
