import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarnessServer } from './helpers/harness-server.js';
import { root } from './helpers/cli.js';

/**
 * The real panel in Chromium (Debian's, installed by .ci/run) against the fake Photoshop holding the
 * bundled real stack. Screenshots go to docs/screenshots (linked from the README).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(root, 'docs', 'screenshots');

interface HarnessWindow {
  harness: {
    fake: {
      historyStates(): string[];
      liveImageData(): number;
      failOn(p: (call: { api: string }) => boolean): void;
      findLayerByName(name: string): { mask: Float32Array | null; rgba: Float32Array | null; visible: boolean; children: { name: string }[] | null } | undefined;
      module: { app: { activeDocument: { layers: ArrayLike<{ name: string; layers: ArrayLike<{ name: string }> | null }> } } };
      render(): { data: Float32Array };
    };
    setDelay(ms: number): void;
    snapshot(): string;
    invokeMenu(id: string): void;
  };
}

describe('panel in a real browser against the fake Photoshop', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ server, url } = await startHarnessServer());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 300, height: 760 } });
    page.on('pageerror', (e) => { throw e; });
    await mkdir(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const text = (testId: string) => page.getByTestId(testId).innerText();

  it('lists the frames with thumbnails, stacks, cancels, stacks again and re-composites after a mask edit', async () => {
    await page.goto(`${url}/?width=384&delay=60`);
    await expect.poll(() => page.getByTestId('frame-list').locator('li').count(), { timeout: 20_000 }).toBe(7);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 20_000 }).toBe('Stack 7 frames');
    // Thumbnails are read inside a modal scope (Photoshop refuses reads outside one).
    await expect.poll(() => page.locator('img.thumb').count()).toBe(7);
    expect(await text('frame-count')).toBe('7 of 7 frames');
    // The text layer is listed as not used, behind a toggle (UXP renders no <details>).
    await page.getByTestId('skipped-toggle').click();
    expect(await text('skipped')).toMatch(/Caption: text layer: rasterize it/);
    // A ticked checkbox shows its tick.
    const tick = (testId: string) => page.getByTestId(testId).evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.tick')!).visibility);
    expect(await tick('frame-pcb_007')).toBe('visible');

    // Exclude the last frame: the count, the action and the tick follow.
    await page.getByTestId('frame-pcb_007').click();
    expect(await text('frame-count')).toBe('6 of 7 frames');
    expect(await text('stack')).toBe('Stack 6 frames');
    expect(await tick('frame-pcb_007')).toBe('hidden');
    // The method picker is read by selectedIndex (UXP's pickers may have no value).
    await page.getByTestId('mode').locator('select').selectOption({ index: 1 });
    await expect.poll(() => text('mode-help')).toMatch(/Takes each pixel from its sharpest frames/);
    await page.getByTestId('expert').click();
    await expect.poll(() => page.getByTestId('expert-section').isVisible()).toBe(true);
    await shot('idle');

    const before = await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot());

    // Run, watch progress, cancel: back within a second, document untouched.
    await page.getByTestId('stack').click();
    await expect.poll(() => text('stage'), { timeout: 20_000 }).toMatch(/Fusing · frame \d of 6/);
    // The progress bar's label is a slotted sp-label, as UXP documents it.
    expect(await page.getByTestId('progress').locator('sp-label[slot="label"]').innerText()).toMatch(/Fusing/);
    await shot('running');
    const cancelledAt = Date.now();
    await page.getByTestId('cancel').click();
    await page.getByTestId('error').waitFor({ state: 'visible', timeout: 5_000 });
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    expect(await text('error')).toBe('Cancelled; the document is unchanged.');
    expect(await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot())).toBe(before);

    // Stack again, to completion.
    await page.evaluate(() => (window as unknown as HarnessWindow).harness.setDelay(0));
    await page.getByTestId('stack').click();
    await expect.poll(() => page.getByTestId('summary').isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('frame-report').count()).toBe(6);
    // Only elements UXP renders: no tables, no disclosure widgets.
    expect(await page.locator('#root table, #root details, #root summary').count()).toBe(0);
    await shot('done');
    const layers = await page.evaluate(() => {
      const fake = (window as unknown as HarnessWindow).harness.fake;
      const doc = fake.module.app.activeDocument;
      const group = doc.layers[0]!;
      return { group: group.name, children: Array.from(group.layers ?? [], (l) => l.name), history: fake.historyStates(), leaks: fake.liveImageData() };
    });
    expect(layers.group).toBe('Planewise focus stack');
    expect(layers.children).toEqual(['Planewise composite (depth map)', ...['pcb_006', 'pcb_005', 'pcb_004', 'pcb_003', 'pcb_002', 'pcb_001'].map((n) => `${n} (aligned)`)]);
    expect(layers.history).toEqual(['Open', 'Planewise focus stack']);
    expect(layers.leaks).toBe(0);

    // The retoucher paints pcb_003's mask black; re-composite makes the composite follow the masks.
    const difference = await page.evaluate(async () => {
      const fake = (window as unknown as HarnessWindow).harness.fake;
      fake.findLayerByName('pcb_003 (aligned)')!.mask!.fill(0);
      return true;
    });
    expect(difference).toBe(true);
    await page.getByTestId('recomposite').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as HarnessWindow).harness.fake.historyStates().at(-1)), { timeout: 20_000 }).toBe('Planewise re-composite');
    const worst = await page.evaluate(() => {
      const fake = (window as unknown as HarnessWindow).harness.fake;
      const withComposite = fake.render().data;
      fake.findLayerByName('Planewise composite (depth map)')!.visible = false; // direct data edit, as a user toggling the eye
      const masksOnly = fake.render().data;
      fake.findLayerByName('Planewise composite (depth map)')!.visible = true;
      let w = 0;
      for (let i = 0; i < withComposite.length; i++) w = Math.max(w, Math.abs(withComposite[i]! - masksOnly[i]!));
      return w;
    });
    expect(worst).toBeLessThanOrEqual(1 / 255 + 1e-6);

    // Hide the sources from the summary.
    await page.getByTestId('toggle-sources').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as HarnessWindow).harness.fake.findLayerByName('pcb_001')!.visible)).toBe(false);
    expect(await text('toggle-sources')).toBe('Show sources');
  }, 120_000);

  it('falls back to the TypeScript kernels with a notice when the wasm files cannot load, and still stacks', async () => {
    await page.goto(`${url}/?width=160&wasm=missing`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 20_000 }).toBe('Stack 7 frames');
    expect(await text('notice')).toMatch(/TypeScript kernels/);
    await page.getByTestId('stack').click();
    await expect.poll(() => page.getByTestId('summary').isVisible(), { timeout: 60_000 }).toBe(true);
  }, 90_000);

  it('becomes ready when asynchronous WebAssembly compilation never settles (the kernels compile synchronously)', async () => {
    await page.goto(`${url}/?width=160&wasm=async-hangs`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 10_000 }).toBe('Stack 7 frames');
    expect(await page.getByTestId('notice').count()).toBe(0);
  }, 30_000);

  it('never waits forever for the .wasm files: after the timeout it uses the TypeScript kernels and says so', async () => {
    await page.goto(`${url}/?width=160&wasm=read-hangs&wasmTimeout=300`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 10_000 }).toBe('Stack 7 frames');
    expect(await text('notice')).toMatch(/TypeScript kernels/);
  }, 30_000);

  it('in a Photoshop without the imaging module, says which version it needs', async () => {
    await page.goto(`${url}/?width=160&imaging=missing`);
    await expect.poll(() => page.getByTestId('problem').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await text('problem')).toMatch(/Photoshop 24\.4 or newer/);
    expect(await page.getByTestId('stack').getAttribute('disabled')).not.toBeNull();
  }, 30_000);

  it('names a setting out of range in one sentence and will not stack until it is fixed', async () => {
    await page.goto(`${url}/?width=96`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 20_000 }).toBe('Stack 7 frames');
    await page.getByTestId('expert').click();
    const setSlider = (testId: string, value: number) => page.getByTestId(testId).evaluate((el, v) => {
      const input = el.shadowRoot!.querySelector('input')!;
      input.value = String(v);
      input.dispatchEvent(new Event('change'));
    }, value);
    await setSlider('slabSize', 1);
    await expect.poll(() => text('options-problem')).toBe('Slab size must be 0 (no slabs) or at least 2 frames; got 1; change it in the settings above.');
    expect(await page.getByTestId('stack').getAttribute('disabled')).not.toBeNull();
    await setSlider('slabSize', 3);
    await expect.poll(() => page.getByTestId('options-problem').count()).toBe(0);
    expect(await page.getByTestId('stack').getAttribute('disabled')).toBeNull();
  }, 30_000);

  it('runs the compatibility check from the panel menu: every line passes on the fake, the user\'s document untouched', async () => {
    await page.goto(`${url}/?width=96`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 20_000 }).toBe('Stack 7 frames');
    const before = await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot());
    await page.evaluate(() => (window as unknown as HarnessWindow).harness.invokeMenu('selfCheck'));
    await page.getByTestId('self-check-text').waitFor({ state: 'visible', timeout: 30_000 });
    const statuses = await page.locator('[data-testid^="check-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses).toHaveLength(17);
    expect(statuses.filter((s) => s === 'fail' || s === 'warn')).toEqual([]);
    expect(await page.getByTestId('self-check-text').inputValue()).toMatch(/^Planewise compatibility check — Photoshop 26\.0 \(harness\)\n0 failed, 0 warnings/);
    expect(await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot())).toBe(before);
    await shot('self-check');
    await page.getByTestId('self-check-close').click();
    await expect.poll(() => page.getByTestId('frame-list').locator('li').count()).toBe(7);
  }, 60_000);

  it('refreshes the frame list when the document changes, and is usable at the minimum panel width', async () => {
    await page.setViewportSize({ width: 240, height: 640 });
    await page.goto(`${url}/?width=160`);
    await expect.poll(() => page.getByTestId('frame-list').locator('li').count(), { timeout: 20_000 }).toBe(7);
    await page.evaluate(async () => {
      const { fake } = (window as unknown as HarnessWindow).harness as unknown as { fake: { module: { core: { executeAsModal(fn: () => Promise<void>, o: { commandName: string }): Promise<void> }; app: { activeDocument: { layers: { name: string }[] } } } } };
      await fake.module.core.executeAsModal(async () => { fake.module.app.activeDocument.layers[1]!.name = 'renamed far frame'; }, { commandName: 'Rename' });
    });
    await expect.poll(() => page.getByTestId('frame-list').innerText(), { timeout: 5_000 }).toContain('renamed far frame');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('minimum-width');
    // Light theme: the panel's colours come from UXP's theme variables.
    await page.goto(`${url}/?width=160&theme=light`);
    await expect.poll(() => page.getByTestId('frame-list').locator('li').count(), { timeout: 20_000 }).toBe(7);
    const colour = await page.evaluate(() => getComputedStyle(document.querySelector('.panel')!).color);
    expect(colour).toBe('rgb(44, 44, 44)');
    await shot('light-theme');
    await page.setViewportSize({ width: 300, height: 760 });
  }, 60_000);

  it('shows a failure as one sentence and leaves the document as it was', async () => {
    await page.goto(`${url}/?width=256`);
    await expect.poll(() => page.getByTestId('stack').innerText(), { timeout: 20_000 }).toBe('Stack 7 frames');
    const before = await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot());
    await page.evaluate(() => (window as unknown as HarnessWindow).harness.fake.failOn((c) => c.api === 'imaging.putLayerMask'));
    await page.getByTestId('stack').click();
    await expect.poll(() => page.getByTestId('error').isVisible(), { timeout: 30_000 }).toBe(true);
    const message = await text('error');
    expect(message).toMatch(/^Stacking failed: .*The document is unchanged\.$/);
    expect(message).not.toMatch(/\n|at .*\.js/);
    expect(await page.evaluate(() => (window as unknown as HarnessWindow).harness.snapshot())).toBe(before);
    await shot('error');
  }, 60_000);
});
