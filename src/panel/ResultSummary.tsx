import { formatSeconds, MODE_NAMES, type StackResult } from '../host-bridge/photoshop/index.js';
import { Button } from './spectrum.js';

/**
 * After a run: what was used, how well each frame aligned (the engine flags frames that match their
 * neighbour far worse than the rest, or needed a large brightness correction), the time taken, and the
 * retouch helpers. Rows are flex rows: UXP does not render <table>.
 */
export function ResultSummary(props: {
  result: StackResult;
  busy: boolean;
  sourcesVisible: boolean;
  onRecomposite: () => void;
  onToggleSources: () => void;
}) {
  const { result } = props;
  return (
    <section className="summary" data-testid="summary">
      <sp-body>
        Stacked {result.frames.length} frames ({MODE_NAMES[result.mode]}) in {formatSeconds(result.seconds.total)};
        output {result.crop.width} × {result.crop.height}.
      </sp-body>
      <div className="residuals column">
        {result.frames.map((f, i) => (
          <div key={i} className={f.warning ? 'residual flagged' : 'residual'} data-testid="frame-report">
            <span className="name">{f.name}</span>
            <span>{i === result.reference ? 'reference' : `${(f.residual * 100).toFixed(2)}%`}</span>
            <span>{f.warning ? '⚠ check' : ''}</span>
          </div>
        ))}
      </div>
      {result.frames.filter((f) => f.warning).map((f) => (
        <p key={f.name} className="hint flagged" data-testid="frame-warning">⚠ {f.name}: {f.warning}</p>
      ))}
      <p className="hint">Paint on the layer masks to choose which frame shows where, then re-composite.</p>
      <div className="row">
        <Button variant="primary" disabled={props.busy} onClick={props.onRecomposite} testId="recomposite">Re-composite from masks</Button>
        <Button variant="secondary" quiet disabled={props.busy} onClick={props.onToggleSources} testId="toggle-sources">
          {props.sourcesVisible ? 'Hide sources' : 'Show sources'}
        </Button>
      </div>
    </section>
  );
}
