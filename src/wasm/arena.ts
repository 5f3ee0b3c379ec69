/**
 * The arena owns the linear memory every kernel works in. Planes are float32, row-major, stride = width,
 * addressed by byte offsets ("pointers") so the same numbers work for the WebAssembly kernels and for
 * their TypeScript twins. Allocation is a bump pointer with marks: a pipeline stage takes a mark, allocates
 * what it needs and releases back to the mark, so a tile's scratch space is reused for the next tile.
 */

export type Ptr = number;

/** The part of WebAssembly.Memory the arena needs; a plain-ArrayBuffer stand-in exists for hosts without WebAssembly. */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export const PAGE_BYTES = 65536;
const ALIGN = 16;

/** Growable memory for the TypeScript backend when WebAssembly itself is unavailable. */
export class ArrayBufferMemory implements LinearMemory {
  private current: ArrayBuffer;
  constructor(initialPages: number) {
    this.current = new ArrayBuffer(initialPages * PAGE_BYTES);
  }
  get buffer(): ArrayBuffer {
    return this.current;
  }
  grow(pages: number): number {
    const before = this.current.byteLength / PAGE_BYTES;
    const next = new ArrayBuffer(this.current.byteLength + pages * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.current));
    this.current = next;
    return before;
  }
}

export function createLinearMemory(initialPages = 16): LinearMemory {
  if (typeof WebAssembly !== 'undefined' && typeof WebAssembly.Memory === 'function') {
    return new WebAssembly.Memory({ initial: initialPages, maximum: 65536 });
  }
  return new ArrayBufferMemory(initialPages);
}

export interface Plane {
  readonly ptr: Ptr;
  readonly width: number;
  readonly height: number;
}

export class Arena {
  private top: Ptr;
  private highWater: Ptr;

  /** @param base first byte the arena may hand out (for wasm: the module's `__heap_base`). */
  constructor(
    readonly memory: LinearMemory,
    private readonly base: Ptr,
  ) {
    this.top = align(base);
    this.highWater = this.top;
  }

  /** Bytes currently handed out. */
  get used(): number {
    return this.top - this.base;
  }

  /** Most bytes ever handed out at once: the figure the memory budget is checked against. */
  get peak(): number {
    return this.highWater - this.base;
  }

  alloc(bytes: number): Ptr {
    const ptr = this.top;
    const end = align(ptr + Math.max(bytes, 0));
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    }
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return ptr;
  }

  plane(width: number, height: number): Plane {
    return { ptr: this.alloc(width * height * 4), width, height };
  }

  mark(): Ptr {
    return this.top;
  }

  release(mark: Ptr): void {
    if (mark < this.base || mark > this.top) throw new Error(`arena: bad release mark ${mark}`);
    this.top = mark;
  }

  /** Runs `body` and frees everything it allocated, also when it throws. */
  scoped<T>(body: () => T): T {
    const m = this.mark();
    try {
      return body();
    } finally {
      this.release(m);
    }
  }

  async scopedAsync<T>(body: () => Promise<T>): Promise<T> {
    const m = this.mark();
    try {
      return await body();
    } finally {
      this.release(m);
    }
  }

  // Views are made on demand: growing the memory detaches old ArrayBuffers, so never keep one across an alloc.
  f32(ptr: Ptr, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  f64(ptr: Ptr, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
  u8(ptr: Ptr, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
  u16(ptr: Ptr, length: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, ptr, length);
  }
  planeData(p: Plane): Float32Array {
    return this.f32(p.ptr, p.width * p.height);
  }
}

function align(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}
