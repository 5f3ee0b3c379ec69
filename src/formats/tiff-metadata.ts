import { open } from 'node:fs/promises';
import { inByteOrder, typeSize, writeIfdChain, type ExifTags, type IfdEntry } from './exif.js';
import { withPath, writeAll } from './raster-spool.js';

/**
 * Adds EXIF (camera, lens, capture date, GPS) and tags such as Software to a classic TIFF that libvips
 * wrote (libvips' TIFF writer keeps the ICC profile and XMP but not EXIF). The first IFD is copied to the
 * end of the file with the new tags and the header pointed at the copy; strips stay where they are, so
 * the file is patched with a few kilobytes of I/O whatever its size. BigTIFF is left as it is.
 */
export async function addTiffTags(path: string, tags: ExifTags): Promise<boolean> {
  return withPath(path, async () => {
    const file = await open(path, 'r+');
    try {
      const read = async (position: number, length: number) => {
        const bytes = new Uint8Array(length);
        const { bytesRead } = await file.read(bytes, 0, length, position);
        if (bytesRead !== length) throw new Error(`${path}: TIFF structure ends early`);
        return bytes;
      };
      const head = await read(0, 8);
      const le = head[0] === 0x49;
      const view = new DataView(head.buffer);
      if (view.getUint16(2, le) !== 42) return false;
      const first = view.getUint32(4, le);
      const count = new DataView((await read(first, 2)).buffer).getUint16(0, le);
      const records = new DataView((await read(first + 2, count * 12 + 4)).buffer);
      const next = records.getUint32(count * 12, le);
      const own: IfdEntry[] = [];
      for (let i = 0; i < count; i++) {
        const p = i * 12;
        const type = records.getUint16(p + 2, le);
        const n = records.getUint32(p + 4, le);
        const bytes = n * (typeSize(type) ?? 1);
        const value = bytes <= 4 ? new Uint8Array(records.buffer, p + 8, bytes).slice() : await read(records.getUint32(p + 8, le), bytes);
        own.push({ tag: records.getUint16(p, le), type, count: n, value });
      }
      const added = inByteOrder(tags.ifd0, tags.littleEndian, le);
      const ifd0 = [...own.filter((e) => !added.some((a) => a.tag === e.tag)), ...added];
      const { size } = await file.stat();
      const at = size + (size % 2);
      const chain = writeIfdChain(ifd0, inByteOrder(tags.exif, tags.littleEndian, le), inByteOrder(tags.gps, tags.littleEndian, le), at, le, next);
      if (at + chain.length > 0xffffffff) return false; // classic TIFF offsets are 32-bit
      const tail = new Uint8Array(at - size + chain.length); // a pad byte first when the file's length is odd
      tail.set(chain, at - size);
      await writeAll(file, tail, size);
      const pointer = new Uint8Array(4);
      new DataView(pointer.buffer).setUint32(0, at, le);
      await writeAll(file, pointer, 4);
      return true;
    } finally {
      await file.close();
    }
  });
}

