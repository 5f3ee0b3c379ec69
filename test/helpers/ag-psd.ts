import { initializeCanvas } from 'ag-psd';

// ag-psd only needs image-data objects, not a real canvas, when reading with useImageData.
initializeCanvas(() => { throw new Error('no canvas in tests'); }, (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4), colorSpace: 'srgb' }) as ImageData);

export { readPsd } from 'ag-psd';
