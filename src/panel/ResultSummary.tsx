import type { StackResult } from '../host-bridge/index.js';
import { formatSeconds } from './messages.js';
import { Button } from './spectrum.js';

/**
 * After a run: what was used, how well each frame aligned (the engine flags frames that match their
 * neighbour far worse than the rest, or needed a large brightness correction), the time taken, and the
 * retouch helpers.
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
        Stacked {result.frames.length} frames ({result.mode === 'pyramid' ? 'pyramid' : 'depth map'}) in {formatSeconds(result.seconds.total)};
        output {result.crop.width} × {result.crop.height}.
      </sp-body>
      <table className="residuals">
        <tbody>
          {result.frames.map((f, i) => (
            <tr key={i} className={f.warning ? 'flagged' : ''} data-testid="frame-report" title={f.warning ?? ''}>
              <td>{f.name}</td>
              <td>{i === result.reference ? 'reference' : `${(f.residual * 100).toFixed(2)}%`}</td>
              <td>{f.warning ? '⚠ check' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
