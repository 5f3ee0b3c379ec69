import { useEffect, useMemo, useRef, useState } from 'react';
import {
  documentGrowth, LARGE_GROWTH_BYTES, PhotoshopHost, recomposite, runSelfCheck, setSourcesVisible, STACK_OPTIONS,
  type CheckLine, type Kernels, type Photoshop, type ProgressEvent, type SelfCheckReport, type StackResult,
} from '../host-bridge/photoshop/index.js';
import type { PanelCommands } from './commands.js';
import { FrameList } from './FrameList.js';
import { errorSentence, optionSentence } from './messages.js';
import { checkSettings, DEFAULT_PANEL_OPTIONS, type PanelOptions } from './panel-options.js';
import { ResultSummary } from './ResultSummary.js';
import { RunStatus } from './RunStatus.js';
import { SelfCheckView } from './SelfCheckView.js';
import { Button } from './spectrum.js';
import { StackOptionsForm } from './StackOptionsForm.js';
import { useFrames } from './use-frames.js';

type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; progress?: ProgressEvent; cancelling: boolean }
  | { kind: 'done'; result: StackResult }
  | { kind: 'error'; message: string }
  | { kind: 'checking'; lines: CheckLine[]; report?: SelfCheckReport };

export interface AppProps {
  ps: Photoshop;
  /** Loads the kernels; always settles (the loader bounds every step), telling `notice` about fallbacks. */
  loadKernels: (notice: (message: string) => void) => Promise<Kernels>;
  /** The panel's flyout menu. */
  commands: PanelCommands;
  /** Photoshop's version, for the compatibility report. */
  hostVersion?: string;
}

/** The Planewise panel: frames, options, one primary action, progress, and the result with retouch helpers. */
export function App(props: AppProps) {
  const { ps } = props;
  const [kernels, setKernels] = useState<Kernels>();
  const [notice, setNotice] = useState<string>();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [options, setOptions] = useState<PanelOptions>(DEFAULT_PANEL_OPTIONS);
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [reverse, setReverse] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sourcesVisible, setSourcesVisibleState] = useState(true);
  const abort = useRef<AbortController>();
  const running = phase.kind === 'running' || (phase.kind === 'checking' && !phase.report);
  const frames = useFrames(ps, running || busy);

  // Kernels load after the panel has shown; a failure falls back to TypeScript with a notice, never a dead panel.
  useEffect(() => {
    props.loadKernels((m) => setNotice(m)).then(setKernels, (error: unknown) => setNotice(errorSentence(error)));
  }, [props.loadKernels]);

  const usable = frames.entries.filter((e) => e.usable);
  const selected = useMemo(() => new Set(usable.map((e) => e.id).filter((id) => !excluded.has(id))), [usable, excluded]);
  const chosen = usable.filter((e) => selected.has(e.id));
  const checked = checkSettings(options);
  const settings = 'settings' in checked ? checked.settings : undefined;
  const growthWith = (layers = settings?.layers) => (frames.canvas && settings && layers ? documentGrowth(frames.canvas, chosen.length, { ...settings, layers }, options) : undefined);
  const growth = growthWith();
  // Past a PSD's limit, the first layer choice of the table that fits (slabs before composite only).
  const smaller = growth !== undefined && growth > LARGE_GROWTH_BYTES
    ? STACK_OPTIONS.layers.choices.map((c) => c.value).find((value) => value !== settings!.layers && growthWith(value)! <= LARGE_GROWTH_BYTES)
    : undefined;

  async function stack() {
    if (!kernels || !settings) return;
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'running', cancelling: false });
    try {
      const host = new PhotoshopHost(ps, kernels, { depthLayer: options.depthLayer, hideSources: options.hideSources });
      const result = await host.stack({
        frames: chosen.map((e) => e.id),
        reverse,
        options: settings,
        signal: controller.signal,
        onProgress: (progress) => setPhase((p) => (p.kind === 'running' ? { ...p, progress } : p)),
      });
      setSourcesVisibleState(!options.hideSources);
      setPhase({ kind: 'done', result });
    } catch (error) {
      setPhase({ kind: 'error', message: errorSentence(error) });
    } finally {
      frames.refresh();
    }
  }

  async function retouch(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      setPhase({ kind: 'error', message: errorSentence(error) });
    } finally {
      setBusy(false);
    }
  }

  // "Check Photoshop compatibility" from the panel menu: runs once the kernels are loaded (they are checked too).
  const selfCheck = useRef<() => void>();
  selfCheck.current = () => {
    if (running || !kernels) return;
    setPhase({ kind: 'checking', lines: [] });
    const onLine = (line: CheckLine) => setPhase((p) => (p.kind === 'checking' ? { ...p, lines: [...p.lines, line] } : p));
    runSelfCheck(ps, { kernels, ...(notice ? { kernelNotice: notice } : {}), ...(props.hostVersion ? { hostVersion: props.hostVersion } : {}), onLine })
      .then((report) => setPhase({ kind: 'checking', lines: report.lines, report }), (error: unknown) => setPhase({ kind: 'error', message: errorSentence(error) }))
      .finally(() => frames.refresh());
  };
  useEffect(() => props.commands.listen((command) => { if (command === 'selfCheck') selfCheck.current?.(); }), [props.commands]);

  if (phase.kind === 'checking') {
    return (
      <div className="panel">
        <SelfCheckView lines={phase.lines} {...(phase.report ? { report: phase.report } : {})} onClose={() => setPhase({ kind: 'idle' })} />
      </div>
    );
  }

  const sourceIds = usable.map((e) => Number(e.id));
  return (
    <div className="panel">
      {notice && <p className="notice" data-testid="notice">{notice}</p>}
      {frames.problem ? (
        <p className="problem" data-testid="problem">{frames.problem}</p>
      ) : (
        <FrameList
          entries={frames.entries}
          thumbnails={frames.thumbnails}
          selected={selected}
          reverse={reverse}
          disabled={running}
          onReverse={setReverse}
          onToggle={(id, on) => setExcluded((s) => {
            const next = new Set(s);
            if (on) next.delete(id);
            else next.add(id);
            return next;
          })}
        />
      )}
      <StackOptionsForm options={options} frameCount={chosen.length} disabled={running} onChange={setOptions}
        {...(growth !== undefined ? { growth } : {})} {...(smaller ? { smaller } : {})} {...('error' in checked ? { problem: optionSentence(checked.error) } : {})} />
      {running ? (
        <RunStatus progress={phase.kind === 'running' ? phase.progress : undefined} cancelling={phase.kind === 'running' && phase.cancelling} onCancel={() => {
          abort.current?.abort(new Error('Cancelled by the user'));
          setPhase((p) => (p.kind === 'running' ? { ...p, cancelling: true } : p));
        }} />
      ) : (
        <Button variant="cta" disabled={!kernels || !settings || chosen.length < 2 || Boolean(frames.problem) || busy} onClick={() => void stack()} testId="stack">
          {kernels ? `Stack ${chosen.length} frames` : 'Loading engine…'}
        </Button>
      )}
      {phase.kind === 'error' && <p className="error" role="alert" data-testid="error">{phase.message}</p>}
      {phase.kind === 'done' && (
        <ResultSummary
          result={phase.result}
          busy={busy}
          sourcesVisible={sourcesVisible}
          onRecomposite={() => void retouch(() => recomposite(ps))}
          onToggleSources={() => void retouch(async () => {
            await setSourcesVisible(ps, sourceIds, !sourcesVisible);
            setSourcesVisibleState(!sourcesVisible);
          })}
        />
      )}
    </div>
  );
}
