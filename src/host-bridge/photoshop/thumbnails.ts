import type { Photoshop } from './types.js';

/**
 * A small JPEG of one layer for the panel's frame list, as a data URL. Photoshop serves it from its cached
 * pyramid levels (targetSize), converted to 8-bit sRGB with transparency matted on white, and encodes it.
 */
export async function layerThumbnail(ps: Photoshop, documentID: number, layerID: number, width: number): Promise<string> {
  const { imageData } = await ps.imaging.getPixels({
    documentID,
    layerID,
    targetSize: { width },
    componentSize: 8,
    applyAlpha: true,
    colorProfile: 'sRGB IEC61966-2.1',
  });
  try {
    const base64 = (await ps.imaging.encodeImageData({ imageData, base64: true })) as string;
    return `data:image/jpeg;base64,${base64}`;
  } finally {
    await imageData.dispose();
  }
}
