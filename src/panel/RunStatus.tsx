import type { ProgressEvent } from '../host-bridge/index.js';
import { formatSeconds } from './messages.js';
import { Button, ProgressBar } from './spectrum.js';

const STAGES: Record<ProgressEvent['stage'], string> = { aligning: 'Aligning', fusing: 'Fusing', writing: 'Writing' };

/** Progress during a run: stage, frame, time left, and a Cancel that lands within a second. */
export function RunStatus(props: { progress?: ProgressEvent; cancelling: boolean; onCancel: () => void }) {
  const p = props.progress;
  const label = p ? `${STAGES[p.stage]} · frame ${p.frame + 1} of ${p.frames}` : 'Starting…';
  return (
    <section className="run" data-testid="run-status">
      <ProgressBar value={p?.fraction ?? 0} label={`${Math.round((p?.fraction ?? 0) * 100)}%`} />
      <div className="row spread">
        <sp-detail data-testid="stage">{label}</sp-detail>
        <sp-detail data-testid="eta">{p?.etaSeconds !== undefined ? `${formatSeconds(p.etaSeconds)} left` : ''}</sp-detail>
      </div>
      <Button variant="secondary" disabled={props.cancelling} onClick={props.onCancel} testId="cancel">
        {props.cancelling ? 'Cancelling…' : 'Cancel'}
      </Button>
    </section>
  );
}
