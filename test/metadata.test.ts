import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { exifBlock, outputExifTags, parseExif } from '../src/formats/exif.js';
import { creatorTool, withCreatorTool } from '../src/formats/xmp.js';
import { readPsd } from './helpers/ag-psd.js';
import { sample } from './helpers/cli.js';
import { planewiseInProcess as planewise } from './helpers/cli-in-process.js';
import { psdImageResources } from './helpers/psd-resources.js';

const pcb10 = '/work/shared/data/real/focusstack-pcb10';
const software = `Planewise ${(JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

/** Everything exifr finds, with raw values (no translation of enums). */
async function tagsOf(file: string | Uint8Array) {
  return exifr.parse(file instanceof Uint8Array ? Buffer.from(file) : file, { tiff: true, exif: true, xmp: true, icc: true, translateValues: false, reviveValues: true, mergeOutput: true });
}

describe('colour and camera metadata reach the outputs (read back with exifr and ag-psd)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-meta-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the frames\' ICC profile is attached to every colour output and the pixels stay in its colour space', async () => {
    const frames = join(dir, 'p3');
    await mkdir(frames);
    // Three copies of one Display P3 frame: the stack's composite is that frame, so its values can be compared.
    const p3 = await sharp(join(sample, 'pcb_004.jpg')).resize(128, 96).withIccProfile('p3').png().toBuffer();
    for (const i of [1, 2, 3]) await sharp(p3).keepIccProfile().png().toFile(join(frames, `f${i}.png`));
    const frameIcc = (await sharp(join(frames, 'f1.png')).metadata()).icc!;
    const stored = await sharp(join(frames, 'f1.png'), { ignoreIcc: true }).raw().toBuffer();
    const frameProfile = (await tagsOf(join(frames, 'f1.png'))).ProfileDescription;
    expect(frameProfile).toBeTruthy();

    const out = (ext: string) => join(dir, `p3.${ext}`);
    expect((await planewise(['stack', frames, '--out', out('psd'), '--composite', out('tif'), '--depth', join(dir, 'p3-depth.png')])).code).toBe(0);
    expect((await planewise(['stack', frames, '--composite', out('png')])).code).toBe(0);
    expect((await planewise(['stack', frames, '--composite', out('jpg')])).code).toBe(0);
    for (const ext of ['tif', 'png', 'jpg']) {
      expect((await tagsOf(out(ext))).ProfileDescription, ext).toBe(frameProfile);
      expect(Buffer.from((await sharp(out(ext)).metadata()).icc!).equals(frameIcc), ext).toBe(true);
      // Not converted: the composite's samples are the frame's stored samples (JPEG within its loss).
      const values = await sharp(out(ext), { ignoreIcc: true }).raw().toBuffer();
      expect(values.length).toBe(stored.length);
      let diff = 0;
      for (let i = 0; i < stored.length; i++) diff += Math.abs(values[i]! - stored[i]!);
      expect(diff / stored.length, ext).toBeLessThan(ext === 'jpg' ? 2 : 0.5);
    }
    expect(Buffer.from(psdImageResources(await readFile(out('psd'))).get(1039)!).equals(frameIcc)).toBe(true);
    // The depth map holds frame indices, not colours: no profile.
    expect((await sharp(join(dir, 'p3-depth.png')).metadata()).icc).toBeUndefined();
  });

  it('the reference frame\'s camera EXIF and a Software tag reach the composite (TIFF, PNG, JPEG) and the PSD', async () => {
    const frames = join(dir, 'pcb10');
    await mkdir(frames);
    for (const i of [0, 1, 2]) await sharp(join(pcb10, `pcb_00${i}.JPG`)).resize(256, 192).keepExif().jpeg().toFile(join(frames, `pcb_00${i}.jpg`));
    const reference = await tagsOf(join(pcb10, 'pcb_001.JPG')); // the middle frame of three
    expect(reference.DateTimeOriginal).toBeInstanceOf(Date);
    const out = (ext: string) => join(dir, `cam.${ext}`);
    const r = await planewise(['stack', frames, '--out', out('psd'), '--composite', out('tif'), '--transforms', out('json')]);
    expect(r.code).toBe(0);
    expect((await planewise(['stack', frames, '--composite', out('png')])).code).toBe(0);
    expect((await planewise(['stack', frames, '--composite', out('jpg')])).code).toBe(0);
    const crop = (JSON.parse(await readFile(out('json'), 'utf8')) as { crop: { width: number; height: number } }).crop;

    const psdResources = psdImageResources(await readFile(out('psd')));
    const sources: [string, string | Uint8Array][] = [['tif', out('tif')], ['png', out('png')], ['jpg', out('jpg')], ['psd EXIF resource', psdResources.get(1058)!]];
    for (const [what, source] of sources) {
      const tags = await tagsOf(source);
      expect(tags.Make, what).toBe(reference.Make);
      expect(tags.Model, what).toBe(reference.Model);
      expect(tags.FNumber, what).toBe(reference.FNumber);
      expect(tags.FocalLength, what).toBe(reference.FocalLength);
      expect(tags.ExposureTime, what).toBe(reference.ExposureTime);
      expect(tags.ISO, what).toBe(reference.ISO);
      expect((tags.DateTimeOriginal as Date).getTime(), what).toBe((reference.DateTimeOriginal as Date).getTime());
      expect(tags.Software, what).toBe(software);
      expect(tags.Orientation, what).toBe(1);
      expect(tags.ExifImageWidth, what).toBe(crop.width);
      expect(tags.ExifImageHeight, what).toBe(crop.height);
    }
    // XMP names Planewise as the creator tool everywhere; that is the mark a later run looks for.
    for (const ext of ['tif', 'jpg']) expect((await tagsOf(out(ext))).CreatorTool, ext).toBe(software);
    expect(creatorTool((await sharp(out('png')).metadata()).xmpAsString!)).toBe(software);
    const psd = readPsd(await readFile(out('psd')), { skipLayerImageData: true, skipCompositeImageData: true, skipThumbnail: true });
    expect(creatorTool(psd.imageResources!.xmpMetadata!)).toBe(software);
  });

  it('EXIF survives a change of byte order and keeps only what describes the result', async () => {
    const source = parseExif((await sharp(join(pcb10, 'pcb_003.JPG')).metadata()).exif!)!;
    expect(source.littleEndian).toBe(true);
    const bigEndian = exifBlock(outputExifTags(source, { software: 'Planewise test', width: 640, height: 480 }, false));
    expect(String.fromCharCode(bigEndian[0]!, bigEndian[1]!)).toBe('MM');
    const back = await tagsOf(bigEndian);
    const original = await tagsOf(join(pcb10, 'pcb_003.JPG'));
    for (const tag of ['Make', 'Model', 'FNumber', 'ExposureTime', 'ISO', 'FocalLength', 'ExposureProgram', 'MeteringMode']) expect(back[tag], tag).toEqual(original[tag]);
    expect([back.Software, back.Orientation, back.ExifImageWidth, back.ExifImageHeight]).toEqual(['Planewise test', 1, 640, 480]);
    expect(back.ThumbnailOffset).toBeUndefined(); // the frame's thumbnail is not the result's
    expect(parseExif(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeUndefined();
  });

  it('xmp:CreatorTool is set whatever form the frame\'s packet uses, and Orientation is upright', () => {
    const packet = (body: string) => `<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
    const attribute = withCreatorTool(packet('<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmp:CreatorTool="Adobe Lightroom" tiff:Orientation="6"/>'), 'Planewise 9');
    expect(creatorTool(attribute)).toBe('Planewise 9');
    expect(attribute).toContain('tiff:Orientation="1"');
    expect(attribute.match(/CreatorTool/g)).toHaveLength(1);
    const element = withCreatorTool(packet('<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>Capture One</xmp:CreatorTool></rdf:Description>'), 'Planewise 9');
    expect(creatorTool(element)).toBe('Planewise 9');
    expect(element.match(/CreatorTool>/g)).toHaveLength(2);
    const none = withCreatorTool(packet('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights>me</dc:rights></rdf:Description>'), 'Planewise 9');
    expect(creatorTool(none)).toBe('Planewise 9');
    expect(none).toContain('<dc:rights>me</dc:rights>');
    expect(creatorTool(withCreatorTool('not xmp', 'Planewise 9'))).toBe('Planewise 9');
  });
});
