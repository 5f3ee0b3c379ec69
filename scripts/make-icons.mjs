// Renders the plugin and panel icons (light and dark themes, 1x and 2x) from one SVG drawing.
// Run by hand when the drawing changes: `node scripts/make-icons.mjs`; the PNGs are committed.
// manifest.json names each icon once ("icons/panel-dark.png") with "scale": [1, 2]; UXP then loads
// icons/panel-dark@1x.png and icons/panel-dark@2x.png, so those are the files written.
import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';

// Three offset planes (the frames) converging on a sharp point: a focus stack.
const drawing = (stroke, fill) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">
  <g fill="none" stroke="${stroke}" stroke-width="2.5" stroke-linejoin="round">
    <path d="M8 30 L24 38 L40 30 L24 22 Z" fill="${fill}" fill-opacity="0.35"/>
    <path d="M8 22 L24 30 L40 22 L24 14 Z" fill="${fill}" fill-opacity="0.6"/>
    <path d="M8 14 L24 22 L40 14 L24 6 Z" fill="${fill}"/>
  </g>
</svg>`;

const variants = [
  // Panel icons: 23x23 at 1x, light glyph on dark themes and dark glyph on light themes.
  { name: 'panel-dark', size: 23, stroke: '#e6e6e6', fill: '#6fb3ff' },
  { name: 'panel-light', size: 23, stroke: '#323232', fill: '#1473e6' },
  // Plugin list icon: 48x48.
  { name: 'plugin-dark', size: 48, stroke: '#e6e6e6', fill: '#6fb3ff' },
  { name: 'plugin-light', size: 48, stroke: '#323232', fill: '#1473e6' },
];

await mkdir(new URL('../icons/', import.meta.url), { recursive: true });
for (const v of variants) {
  for (const scale of [1, 2]) {
    const file = new URL(`../icons/${v.name}@${scale}x.png`, import.meta.url);
    await sharp(Buffer.from(drawing(v.stroke, v.fill)), { density: 72 * ((v.size * scale) / 48) })
      .resize(v.size * scale, v.size * scale)
      .png()
      .toFile(file.pathname);
  }
}
console.log('icons written');
