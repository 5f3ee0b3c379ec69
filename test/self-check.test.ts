import { describe, expect, it } from 'vitest';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { runSelfCheck, type CheckId, type CheckStatus, type SelfCheckReport } from '../src/host-bridge/photoshop/index.js';
import { createFakePhotoshop, type FakeQuirks, type QuirkName } from './fake-photoshop/index.js';

/** The user's document, open and active while the check runs: it must come out untouched. */
function userDocument(quirks: FakeQuirks = {}) {
  const ps = createFakePhotoshop({ quirks });
  ps.openDocument({ width: 24, height: 16, name: 'user', layers: [{ name: 'top', pixels: new Uint8Array(24 * 16 * 3).fill(50) }, { name: 'Background', isBackground: true }] });
  return ps;
}

async function check(quirks: FakeQuirks = {}, kind?: 'typescript'): Promise<{ report: SelfCheckReport; statuses: Map<CheckId, CheckStatus> }> {
  const ps = userDocument(quirks);
  const before = ps.snapshot();
  const history = ps.historyStates();
  const report = await runSelfCheck(ps.module, { kernels: await loadNodeKernels(kind), hostVersion: '26.0' });
  // Only scratch documents were touched, and all are closed again; the user's is active as before.
  expect(ps.documentIds()).toEqual([before.id]);
  expect(ps.module.app.activeDocument!.id).toBe(before.id);
  expect(ps.snapshot()).toEqual(before);
  expect(ps.historyStates()).toEqual(history);
  expect(ps.liveImageData()).toBe(0);
  return { report, statuses: new Map(report.lines.map((l) => [l.id, l.status])) };
}

/** Lines that are not a plain pass. */
const notPassing = (statuses: Map<CheckId, CheckStatus>) => [...statuses].filter(([, s]) => s !== 'pass' && s !== 'info').map(([id, s]) => `${id}:${s}`).sort();

describe('Photoshop compatibility self-check', () => {
  it('on a Photoshop that behaves as documented, every assumption holds, and the report reads as text', async () => {
    const { report, statuses } = await check();
    expect(notPassing(statuses)).toEqual([]);
    expect([...statuses.keys()]).toEqual([
      'imaging', 'modal-reads', 'error-shape', 'layer-order', 'new-layer-placement', 'new-group-placement', 'place-inside', 'mask',
      'target-size', 'transparency', 'rollback', 'range-16', 'result-layout', 'stack-8', 'stack-16', 'speed', 'kernels',
    ]);
    expect(report.text).toMatch(/^Planewise compatibility check — Photoshop 26\.0\n0 failed, 0 warnings/);
    expect(report.text).toMatch(/^INFO {2}Reading and writing pixels: getPixels \d+ ms, putPixels \d+ ms per megapixel/m);
    for (const line of report.lines) expect(report.text).toContain(line.meaning);
  }, 60_000);

  // Each quirk breaks one assumption: the check names that one (and, where Planewise copes, only warns).
  const cases: [QuirkName, string[]][] = [
    ['noImaging', ['imaging:fail']],
    // Everything placed by position goes wrong then: the order line is the cause.
    ['layersBottomFirst', ['layer-order:fail', 'new-group-placement:warn', 'new-layer-placement:warn', 'place-inside:warn', 'stack-16:fail', 'stack-8:fail']],
    ['newLayersAboveActive', ['new-group-placement:warn', 'new-layer-placement:warn']],
    ['placeInsideAtBottom', ['place-inside:warn']],
    ['maskWritesResetMask', ['mask:fail']],
    ['targetSizeWholeLayer', ['target-size:fail']],
    ['sixteenBitFullRange', ['range-16:fail']],
    ['readsWithoutAlpha', ['transparency:fail']],
    ['noRollback', ['rollback:fail']],
  ];
  for (const [quirk, expected] of cases) {
    it(`names the broken assumption: ${quirk}`, async () => {
      const { statuses } = await check({ [quirk]: true });
      expect(notPassing(statuses)).toEqual(expected);
    }, 60_000);
  }

  it('reports, without failing, what Planewise does not rely on: reads outside a modal scope, the error shape', async () => {
    const strict = await check();
    const lenient = await check({ readsOutsideModal: true, errorsKeepClass: true });
    const observed = (r: typeof strict, id: CheckId) => r.report.lines.find((l) => l.id === id)!.observed;
    expect(observed(strict, 'modal-reads')).toMatch(/^refused/);
    expect(observed(lenient, 'modal-reads')).toBe('allowed');
    expect(observed(strict, 'error-shape')).toMatch(/plain value with its message, without its class/);
    expect(observed(lenient, 'error-shape')).toBe('unchanged, class and all');
    expect(notPassing(lenient.statuses)).toEqual([]);
  }, 60_000);

  it('says when the WebAssembly kernels did not load', async () => {
    const { report, statuses } = await check({}, 'typescript');
    expect(statuses.get('kernels')).toBe('warn');
    expect(report.lines.find((l) => l.id === 'kernels')!.observed).toMatch(/TypeScript kernels/);
  }, 60_000);
});
