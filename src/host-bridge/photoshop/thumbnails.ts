import type { Photoshop } from './types.js';

/**
 * Small JPEGs of layers for the panel's frame list, as data URLs, cached by document and layer id (the
 * 'set' notification fires constantly; a layer's thumbnail is read once). Missing ones are read together
 * in ONE modal scope, as Adobe's samples read pixels: from Photoshop's cached pyramid levels (targetSize),
 * as RGB (encodeImageData takes only RGB, so grayscale documents convert), 8-bit sRGB with transparency
 * matted on white. A thumbnail that cannot be read is left out: it is a nicety.
 */
export class ThumbnailCache {
  private readonly cache = new Map<string, string>();

  constructor(private readonly ps: Photoshop, private readonly width = 48) {}

  async get(documentID: number, layerIds: number[]): Promise<Record<string, string>> {
    const key = (id: number) => `${documentID}:${id}`;
    const missing = layerIds.filter((id) => !this.cache.has(key(id)));
    if (missing.length > 0) {
      try {
        await this.ps.core.executeAsModal(async () => {
          for (const id of missing) {
            const url = await this.read(documentID, id).catch(() => undefined);
            if (url) this.cache.set(key(id), url);
          }
        }, { commandName: 'Planewise thumbnails' });
      } catch {
        // Photoshop is busy (another modal command): the next refresh tries again.
      }
    }
    return Object.fromEntries(layerIds.filter((id) => this.cache.has(key(id))).map((id) => [String(id), this.cache.get(key(id))!]));
  }

  private async read(documentID: number, layerID: number): Promise<string> {
    const { imageData } = await this.ps.imaging.getPixels({
      documentID,
      layerID,
      targetSize: { width: this.width },
      componentSize: 8,
      applyAlpha: true,
      colorSpace: 'RGB',
      colorProfile: 'sRGB IEC61966-2.1',
    });
    try {
      const base64 = (await this.ps.imaging.encodeImageData({ imageData, base64: true })) as string;
      return `data:image/jpeg;base64,${base64}`;
    } finally {
      await imageData.dispose();
    }
  }
}
