import { constants } from 'node:fs';
import { access, mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { FileSystemError, isErrnoError, systemErrorLine, type ErrnoError } from './system-errors.js';

/** Where the run writes; each at most once. */
export interface FileOutputs {
  /** Layered PSD (or PSB when too large): aligned frames with masks, composite on top. */
  psd?: string;
  /** Flattened composite: .tif/.tiff (16-bit when the input is), .png (likewise), .jpg/.jpeg (8-bit). */
  composite?: string;
  /** 8-bit grayscale depth map, 0 = first frame (near), 255 = last (far). */
  depth?: string;
  /** JSON with reference, crop and the per-frame 2x3 transforms. */
  transforms?: string;
}

export const OUTPUT_EXTENSIONS: Record<keyof FileOutputs, { what: string; extensions: string[] }> = {
  psd: { what: 'layered document', extensions: ['.psd', '.psb'] },
  composite: { what: 'composite', extensions: ['.tif', '.tiff', '.png', '.jpg', '.jpeg'] },
  depth: { what: 'depth map', extensions: ['.png', '.tif', '.tiff'] },
  transforms: { what: 'transforms file', extensions: ['.json'] },
};

/** A mistake in the command line's outputs (usage, exit 2): found before anything is read or written. */
export class OutputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputPathError';
  }
}

export function outputList(outputs: FileOutputs): [keyof FileOutputs, string][] {
  return (Object.entries(outputs) as [keyof FileOutputs, string | undefined][]).filter((e): e is [keyof FileOutputs, string] => Boolean(e[1]));
}

/** Names and extensions: checks that need no file system. */
export function checkOutputNames(outputs: FileOutputs): void {
  const list = outputList(outputs);
  if (list.length === 0) throw new OutputPathError('Nothing to write: give at least one of --out, --composite, --depth, --transforms.');
  for (const [kind, path] of list) {
    const { what, extensions } = OUTPUT_EXTENSIONS[kind];
    if (!extensions.includes(extname(path).toLowerCase())) throw new OutputPathError(`${path}: the ${what} must end in ${extensions.join(', ')}.`);
  }
}

/**
 * Who a path is, so that two spellings of one file compare equal: an existing file by device and inode
 * (that sees through symlinks, hard links, "./" and, on a case-insensitive file system, case); a file
 * yet to be written by its nearest existing folder's identity plus the rest of the path.
 */
interface PathIdentity {
  exists: boolean;
  key: string;
  /** For files yet to be written: the existing folder, to ask whether it ignores case. */
  folder?: string;
}

async function identify(path: string): Promise<PathIdentity> {
  const full = resolve(path);
  const st = await stat(full).catch(() => undefined);
  if (st) return { exists: true, key: `${st.dev}:${st.ino}` };
  let folder = dirname(full);
  for (;;) {
    const up = await stat(folder).catch(() => undefined);
    if (up) return { exists: false, key: `${up.dev}:${up.ino}${sep}${relative(folder, full)}`, folder };
    if (dirname(folder) === folder) return { exists: false, key: full, folder };
    folder = dirname(folder);
  }
}

/**
 * Whether names in `folder` ignore case: an entry with letters is looked up with its case swapped. Without
 * such an entry the platform's default is assumed (macOS and Windows ignore case, Linux does not).
 */
async function ignoresCase(folder: string): Promise<boolean> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const name = entries.find((e) => e.toLowerCase() !== e.toUpperCase());
  if (!name) return process.platform === 'darwin' || process.platform === 'win32';
  const swapped = Array.from(name, (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join('');
  const [a, b] = await Promise.all([stat(join(folder, name)).catch(() => undefined), stat(join(folder, swapped)).catch(() => undefined)]);
  return Boolean(a && b && a.ino === b.ino && a.dev === b.dev);
}

async function samePlace(a: PathIdentity, b: PathIdentity): Promise<boolean> {
  if (a.key === b.key) return true;
  if (a.exists || b.exists || a.key.toLowerCase() !== b.key.toLowerCase()) return false;
  return ignoresCase(a.folder!);
}

/**
 * Everything about the outputs that can be known before the work starts: no output is an input, no two
 * outputs are one file (usage errors, OutputPathError), and each can be written: not a folder, not a
 * device, inside a folder that exists or can be made and that this user can write (FileSystemError).
 */
export async function checkOutputPaths(outputs: FileOutputs, inputs: string[]): Promise<void> {
  checkOutputNames(outputs);
  const list = outputList(outputs);
  const ids = await Promise.all(list.map(([, path]) => identify(path)));
  const inputIds = new Map<string, string>();
  for (const input of inputs) {
    const id = await identify(input);
    if (id.exists) inputIds.set(id.key, input);
  }
  for (let i = 0; i < list.length; i++) {
    const path = list[i]![1];
    const input = inputIds.get(ids[i]!.key);
    if (input) throw new OutputPathError(`${path}: this output would replace the input frame ${input}; write the outputs to other files.`);
    for (let j = 0; j < i; j++) {
      if (await samePlace(ids[i]!, ids[j]!)) throw new OutputPathError(`${list[j]![1]} and ${path} are the same file; give each output its own name.`);
    }
  }
  for (const [, path] of list) await checkWritable(path);
}

async function checkWritable(path: string): Promise<void> {
  const refuse = (code: string, at: string) => new FileSystemError(systemErrorLine({ code } as ErrnoError, at, 'output'));
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw refuse('EISDIR', path);
  if (st && !st.isFile()) throw new FileSystemError(`${path}: not a regular file (a device or pipe); give a file name.`);
  let folder = dirname(resolve(path));
  for (;;) {
    const up = await stat(folder).catch((error: unknown) => error as ErrnoError);
    if (!isErrnoError(up)) {
      if (!up.isDirectory()) throw refuse('ENOTDIR', folder);
      break;
    }
    if (up.code !== 'ENOENT') throw new FileSystemError(systemErrorLine(up, folder, 'output'));
    folder = dirname(folder);
  }
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (isErrnoError(error)) throw new FileSystemError(systemErrorLine(error, folder, 'output'));
    throw error;
  }
}

/** Makes the outputs' missing folders; the returned function removes those it made (when still empty). */
export async function makeOutputFolders(outputs: FileOutputs): Promise<() => Promise<void>> {
  const made: string[] = [];
  for (const [, path] of outputList(outputs)) {
    const folder = dirname(resolve(path));
    const first = await mkdir(folder, { recursive: true });
    if (!first) continue;
    for (let dir = folder; ; dir = dirname(dir)) {
      made.push(dir);
      if (dir === first || dirname(dir) === dir) break;
    }
  }
  made.sort((a, b) => b.length - a.length); // deepest first
  return async () => {
    for (const dir of made) await rmdir(dir).catch(() => undefined); // a folder no longer empty stays
  };
}
