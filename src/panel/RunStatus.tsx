import { formatSeconds, type ProgressEvent } from '../host-bridge/photoshop/index.js';
import { Button, ProgressBar } from './spectrum.js';

const STAGES: Record<ProgressEvent['stage'], string> = { aligning: 'Aligning', fusing: 'Fusing', writing: 'Writing' };

/** Progress during a run: stage, frame, time left, and a Cancel that lands within a second. */
export function RunStatus(props: { progress?: ProgressEvent; cancelling: boolean; onCancel: () => void }) {
  const p = props.progress;
  const label = p ? `${STAGES[p.stage]} · frame ${p.frame + 1} of ${p.frames}` : 'Starting…';
  return (
    <section className="run" data-testid="run-status">
      <ProgressBar value={p?.fraction ?? 0} label={label} valueLabel={`${Math.round((p?.fraction ?? 0) * 100)}%`} labelTestId="stage" />
      <sp-detail data-testid="eta">{p?.etaSeconds !== undefined ? `${formatSeconds(p.etaSeconds)} left` : ''}</sp-detail>
      <Button variant="secondary" disabled={props.cancelling} onClick={props.onCancel} testId="cancel">
        {props.cancelling ? 'Cancelling…' : 'Cancel'}
      </Button>
    </section>
  );
}
