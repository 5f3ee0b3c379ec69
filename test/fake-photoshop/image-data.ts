/**
 * PhotoshopImageData as the fake hands it out: the fields of @types/photoshop's PhotoshopImageData, a copy
 * on getData(), and dispose(); using disposed data throws, and undisposed objects are counted as leaks.
 */
import type { ImageData } from '../../src/host-bridge/photoshop/types.js';

export class ImageDataRegistry {
  live = 0;
}

export class FakeImageData implements ImageData {
  readonly type = 'image/uncompressed' as const;
  readonly hasAlpha: boolean;
  readonly componentSize: 8 | 16 | 32;
  readonly pixelFormat: ImageData['pixelFormat'];
  readonly chunky = true;
  readonly isChunky = true;
  private disposed = false;

  constructor(
    private readonly registry: ImageDataRegistry,
    readonly width: number,
    readonly height: number,
    readonly components: number,
    readonly colorSpace: ImageData['colorSpace'],
    /** Chunky samples; 16-bit in Photoshop's 0..32768 range. */
    readonly samples: Uint8Array | Uint16Array | Float32Array,
    /** Empty means "the target document's profile", as documented. */
    readonly colorProfile: string,
  ) {
    if (samples.length !== width * height * components) throw new Error(`Invalid data length ${samples.length} for ${width}x${height}x${components}`);
    this.componentSize = samples instanceof Uint8Array ? 8 : samples instanceof Uint16Array ? 16 : 32;
    this.hasAlpha = components === 2 || components === 4;
    const base = colorSpace === 'Grayscale' ? 'Grayscale' : colorSpace === 'Lab' ? 'LAB' : 'RGB';
    this.pixelFormat = (this.hasAlpha ? (base === 'Grayscale' ? 'GrayscaleAlpha' : `${base}A`) : base) as ImageData['pixelFormat'];
    registry.live++;
  }

  assertAlive(): void {
    if (this.disposed) throw new Error('Image data has been disposed');
  }

  getData = async (options: { chunky?: boolean; fullRange?: boolean } = {}): Promise<Uint8Array | Uint16Array | Float32Array> => {
    this.assertAlive();
    const chunky = options.chunky ?? true;
    let data: Uint8Array | Uint16Array | Float32Array = this.samples.slice();
    if (options.fullRange && data instanceof Uint16Array) data = data.map((v) => Math.min(65535, Math.round((v * 65535) / 32768)));
    if (chunky) return data;
    const planar = data.slice();
    const n = this.width * this.height;
    for (let i = 0; i < n; i++) for (let c = 0; c < this.components; c++) planar[c * n + i] = data[i * this.components + c]!;
    return planar;
  };

  dispose = async (): Promise<void> => {
    if (this.disposed) return;
    this.disposed = true;
    this.registry.live--;
  };
}
