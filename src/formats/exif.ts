/**
 * EXIF as TIFF-structured directories (IFDs), read from a frame and laid out again for an output: in a PSD
 * image resource, a JPEG/PNG EXIF block, or appended to a TIFF (tiff-metadata.ts). Follows the TIFF 6.0
 * and EXIF 2.32 (CIPA DC-008) layouts: an 8-byte header (II/MM, 42, offset of IFD0), then IFDs of
 * 12-byte entries (tag, type, count, value or offset of the value when it is over 4 bytes).
 *
 * Only what a catalogue reads is carried: camera and lens (Exif IFD), capture date, GPS, make, model,
 * artist, copyright. Left behind: the thumbnail IFD (it shows the frame, not the result), the Interop IFD,
 * and the MakerNote, whose offsets in most cameras' formats are relative to the original file and would
 * point at garbage once moved.
 */

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** The value's bytes, in the byte order of `ExifTags.littleEndian`. */
  value: Uint8Array;
}

export interface ExifTags {
  littleEndian: boolean;
  ifd0: IfdEntry[];
  exif: IfdEntry[];
  gps: IfdEntry[];
}

export const TAG = {
  imageDescription: 0x010e,
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  software: 0x0131,
  dateTime: 0x0132,
  artist: 0x013b,
  copyright: 0x8298,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  makerNote: 0x927c,
  pixelXDimension: 0xa002,
  pixelYDimension: 0xa003,
  interopIfd: 0xa005,
} as const;

export const TYPE = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, undefined: 7, slong: 9, srational: 10, float: 11, double: 12 } as const;

/** Bytes per value of each TIFF type, and the width of the units that swap with byte order. */
export function typeSize(type: number): number | undefined {
  return TYPE_SIZE[type]?.[0];
}

const TYPE_SIZE: Record<number, [size: number, unit: number]> = {
  1: [1, 1], 2: [1, 1], 3: [2, 2], 4: [4, 4], 5: [8, 4], 6: [1, 1], 7: [1, 1], 8: [2, 2], 9: [4, 4], 10: [8, 4], 11: [4, 4], 12: [8, 8], 13: [4, 4],
};

/** The IFD0 tags a catalogue reads; everything else in IFD0 describes the frame's own pixels. */
const IFD0_KEPT = new Set<number>([TAG.imageDescription, TAG.make, TAG.model, TAG.dateTime, TAG.artist, TAG.copyright]);
/** Pointers into the original file, and tags that describe the frame rather than the result. */
const EXIF_DROPPED = new Set<number>([TAG.makerNote, TAG.interopIfd, TAG.pixelXDimension, TAG.pixelYDimension]);

/** Parses an EXIF block (with or without the JPEG "Exif\0\0" prefix); undefined when it is not one. */
export function parseExif(block: Uint8Array): ExifTags | undefined {
  let data = block;
  if (data.length >= 6 && String.fromCharCode(...data.subarray(0, 4)) === 'Exif') data = data.subarray(6);
  if (data.length < 8) return undefined;
  const order = String.fromCharCode(data[0]!, data[1]!);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint16(2, le) !== 42) return undefined;
  try {
    const ifd0 = readIfd(view, view.getUint32(4, le), le);
    const pointer = (tag: number) => {
      const entry = ifd0.find((e) => e.tag === tag);
      return entry && entry.value.length >= 4 ? new DataView(entry.value.buffer, entry.value.byteOffset, 4).getUint32(0, le) : undefined;
    };
    const exifAt = pointer(TAG.exifIfd);
    const gpsAt = pointer(TAG.gpsIfd);
    return {
      littleEndian: le,
      ifd0: ifd0.filter((e) => IFD0_KEPT.has(e.tag)),
      exif: exifAt ? readIfd(view, exifAt, le).filter((e) => !EXIF_DROPPED.has(e.tag)) : [],
      gps: gpsAt ? readIfd(view, gpsAt, le) : [],
    };
  } catch {
    return undefined; // a damaged block is left out rather than carried half-read
  }
}

function readIfd(view: DataView, at: number, le: boolean): IfdEntry[] {
  const count = view.getUint16(at, le);
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count; i++) {
    const p = at + 2 + i * 12;
    const tag = view.getUint16(p, le);
    const type = view.getUint16(p + 2, le);
    const n = view.getUint32(p + 4, le);
    const size = typeSize(type);
    if (!size) continue;
    const bytes = size * n;
    const start = bytes <= 4 ? p + 8 : view.getUint32(p + 8, le);
    if (start + bytes > view.byteLength) throw new RangeError(`EXIF tag ${tag} points outside the block`);
    entries.push({ tag, type, count: n, value: new Uint8Array(view.buffer, view.byteOffset + start, bytes).slice() });
  }
  return entries;
}

export function asciiEntry(tag: number, text: string): IfdEntry {
  const value = Uint8Array.from(`${text}\0`, (ch) => ch.charCodeAt(0) & 0x7f);
  return { tag, type: TYPE.ascii, count: value.length, value };
}

export function numberEntry(tag: number, type: typeof TYPE.short | typeof TYPE.long, n: number, littleEndian: boolean): IfdEntry {
  const value = new Uint8Array(type === TYPE.short ? 2 : 4);
  const view = new DataView(value.buffer);
  if (type === TYPE.short) view.setUint16(0, n, littleEndian);
  else view.setUint32(0, n, littleEndian);
  return { tag, type, count: 1, value };
}

/** The entry's value in the other byte order. */
function swapped(entry: IfdEntry): IfdEntry {
  const unit = TYPE_SIZE[entry.type]![1];
  if (unit === 1) return entry;
  const value = entry.value.slice();
  for (let i = 0; i < value.length; i += unit) value.subarray(i, i + unit).reverse();
  return { ...entry, value };
}

export function inByteOrder(entries: IfdEntry[], from: boolean, to: boolean): IfdEntry[] {
  return from === to ? entries : entries.map(swapped);
}

/** Bytes an IFD takes with its out-of-line values (each padded to an even length). */
export function ifdSize(entries: IfdEntry[]): number {
  return 2 + 12 * entries.length + 4 + entries.reduce((s, e) => s + (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0), 0);
}

/** One IFD placed at absolute offset `at`, its values right after it; entries sorted by tag as TIFF requires. */
export function writeIfd(entries: IfdEntry[], at: number, le: boolean, next = 0): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const out = new Uint8Array(ifdSize(sorted));
  const view = new DataView(out.buffer);
  view.setUint16(0, sorted.length, le);
  let data = 2 + 12 * sorted.length + 4;
  sorted.forEach((e, i) => {
    const p = 2 + i * 12;
    view.setUint16(p, e.tag, le);
    view.setUint16(p + 2, e.type, le);
    view.setUint32(p + 4, e.count, le);
    if (e.value.length <= 4) {
      out.set(e.value, p + 8);
    } else {
      view.setUint32(p + 8, at + data, le);
      out.set(e.value, data);
      data += e.value.length + (e.value.length % 2);
    }
  });
  view.setUint32(2 + 12 * sorted.length, next, le);
  return out;
}

/**
 * IFD0 (given entries plus pointers to the Exif and GPS IFDs when they have entries), then the Exif IFD,
 * then the GPS IFD, laid out from absolute offset `at` in byte order `le`.
 */
export function writeIfdChain(ifd0: IfdEntry[], exif: IfdEntry[], gps: IfdEntry[], at: number, le: boolean, next = 0): Uint8Array {
  const pointers = [...(exif.length ? [TAG.exifIfd] : []), ...(gps.length ? [TAG.gpsIfd] : [])];
  const head = [...ifd0.filter((e) => !pointers.includes(e.tag as never)), ...pointers.map((tag) => numberEntry(tag, TYPE.long, 0, le))];
  const exifAt = at + ifdSize(head);
  const gpsAt = exifAt + (exif.length ? ifdSize(exif) : 0);
  const withPointers = head.map((e) =>
    e.tag === TAG.exifIfd ? numberEntry(e.tag, TYPE.long, exifAt, le) : e.tag === TAG.gpsIfd ? numberEntry(e.tag, TYPE.long, gpsAt, le) : e);
  const parts = [writeIfd(withPointers, at, le, next), ...(exif.length ? [writeIfd(exif, exifAt, le)] : []), ...(gps.length ? [writeIfd(gps, gpsAt, le)] : [])];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface OutputExifOptions {
  software: string;
  width: number;
  height: number;
}

/** The frame's camera metadata for an output of the given size: upright, naming the software that made it. */
export function outputExifTags(source: ExifTags | undefined, options: OutputExifOptions, le: boolean): ExifTags {
  const from = source?.littleEndian ?? le;
  const ifd0 = [
    ...inByteOrder(source?.ifd0 ?? [], from, le),
    asciiEntry(TAG.software, options.software),
    numberEntry(TAG.orientation, TYPE.short, 1, le),
  ];
  const exif = source?.exif.length
    ? [...inByteOrder(source.exif, from, le), numberEntry(TAG.pixelXDimension, TYPE.long, options.width, le), numberEntry(TAG.pixelYDimension, TYPE.long, options.height, le)]
    : [];
  return { littleEndian: le, ifd0, exif, gps: inByteOrder(source?.gps ?? [], from, le) };
}

/** A standalone EXIF block (TIFF header + IFDs), as PSD resource 1058 and, after "Exif\0\0", JPEG/PNG hold it. */
export function exifBlock(tags: ExifTags): Uint8Array {
  const le = tags.littleEndian;
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  header[0] = header[1] = le ? 0x49 : 0x4d;
  view.setUint16(2, 42, le);
  view.setUint32(4, 8, le);
  const body = writeIfdChain(tags.ifd0, tags.exif, tags.gps, 8, le);
  const out = new Uint8Array(8 + body.length);
  out.set(header);
  out.set(body, 8);
  return out;
}
