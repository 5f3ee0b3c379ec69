import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProgressEvent, StackResult } from '../host-bridge/index.js';
import { PhotoshopHost } from '../host-bridge/photoshop/index.js';
import { recomposite, setSourcesVisible } from '../host-bridge/photoshop/retouch.js';
import type { Photoshop } from '../host-bridge/photoshop/types.js';
import type { Kernels } from '../wasm/kernels.js';
import { FrameList } from './FrameList.js';
import { errorSentence } from './messages.js';
import { DEFAULT_PANEL_OPTIONS, engineOptions, type PanelOptions } from './panel-options.js';
import { ResultSummary } from './ResultSummary.js';
import { RunStatus } from './RunStatus.js';
import { Button } from './spectrum.js';
import { StackOptionsForm } from './StackOptionsForm.js';
import { useFrames } from './use-frames.js';

type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; progress?: ProgressEvent; cancelling: boolean }
  | { kind: 'done'; result: StackResult }
  | { kind: 'error'; message: string };

/** The Planewise panel: frames, one primary action, progress, and the result with retouch helpers. */
export function App(props: { ps: Photoshop; loadKernels: (notice: (m: string) => void) => Promise<Kernels> }) {
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
  const running = phase.kind === 'running';
  const frames = useFrames(ps, running || busy);

  // Kernels load after the panel has shown; a failure falls back to TypeScript with a notice, never a dead panel.
  useEffect(() => {
    void props.loadKernels((m) => setNotice(m)).then(setKernels);
  }, [props]);

  const usable = frames.entries.filter((e) => e.usable);
  const selected = useMemo(() => new Set(usable.map((e) => e.id).filter((id) => !excluded.has(id))), [usable, excluded]);
  const chosen = usable.filter((e) => selected.has(e.id));

  async function stack() {
    if (!kernels) return;
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'running', cancelling: false });
    try {
      const host = new PhotoshopHost(ps, kernels, { depthLayer: options.depthLayer, hideSources: options.hideSources });
      const result = await host.stack({
        frames: chosen.map((e) => e.id),
        reverse,
        options: engineOptions(options),
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
      <StackOptionsForm options={options} disabled={running} onChange={setOptions} />
      {running ? (
        <RunStatus progress={phase.progress} cancelling={phase.cancelling} onCancel={() => {
          abort.current?.abort(new Error('Cancelled by the user'));
          setPhase((p) => (p.kind === 'running' ? { ...p, cancelling: true } : p));
        }} />
      ) : (
        <Button variant="cta" disabled={!kernels || chosen.length < 2 || Boolean(frames.problem) || busy} onClick={() => void stack()} testId="stack">
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
