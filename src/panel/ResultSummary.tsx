import type { StackResult } from '../host-bridge/index.js';
import { formatSeconds } from './messages.js';
import { Button } from './spectrum.js';

/**
 * After a run: what was used, how well each frame aligned (frames with a warning or a residual far above
 * the others are flagged), the time taken, and the retouch helpers.
 */
export function ResultSummary(props: {
  result: StackResult;
  busy: boolean;
  sourcesVisible: boolean;
  onRecomposite: () => void;
  onToggleSources: () => void;
}) {
  const { result } = props;
  const residuals = result.frames.map((f) => f.residual).filter((r) => r > 0).sort((a, b) => a - b);
  const median = residuals[Math.floor(residuals.length / 2)] ?? 0;
  const flagged = (r: number, warning?: string) => Boolean(warning) || (median > 0 && r > 3 * median);
  return (
    <section className="summary" data-testid="summary">
      <sp-body>
        Stacked {result.frames.length} frames ({result.mode === 'pyramid' ? 'pyramid' : 'depth map'}) in {formatSeconds(result.seconds.total)};
        output {result.crop.width} × {result.crop.height}.
      </sp-body>
      <table className="residuals">
        <tbody>
          {result.frames.map((f, i) => (
            <tr key={i} className={flagged(f.residual, f.warning) ? 'flagged' : ''} data-testid="frame-report">
              <td>{f.name}</td>
              <td>{i === result.reference ? 'reference' : `${(f.residual * 100).toFixed(2)}%`}</td>
              <td>{flagged(f.residual, f.warning) ? `⚠ ${f.warning ?? 'poor alignment'}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
