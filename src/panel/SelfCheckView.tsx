import type { CheckLine, SelfCheckReport } from '../host-bridge/photoshop/index.js';
import { Button } from './spectrum.js';

const BADGE: Record<CheckLine['status'], string> = { pass: '✓', warn: '!', fail: '✗', info: 'i' };

/**
 * The compatibility check's report: each line with what this Photoshop did and what it means, and the
 * whole report as text to select and copy (no clipboard permission needed).
 */
export function SelfCheckView(props: { lines: CheckLine[]; report?: SelfCheckReport; onClose: () => void }) {
  return (
    <section className="self-check column" data-testid="self-check">
      <sp-detail data-testid="self-check-summary">
        {props.report ? `Compatibility check: ${count(props.lines, 'fail')} failed, ${count(props.lines, 'warn')} warnings (${props.report.seconds.toFixed(1)} s)` : 'Checking Photoshop compatibility…'}
      </sp-detail>
      {props.lines.map((line) => (
        <div key={line.id} className={`check ${line.status}`} data-testid={`check-${line.id}`} data-status={line.status}>
          <span className="badge">{BADGE[line.status]}</span>
          <div className="column">
            <span>{line.title}: {line.observed}</span>
            <span className="hint">{line.meaning}</span>
          </div>
        </div>
      ))}
      {props.report && (
        <>
          <p className="hint">Select the report and copy it (Ctrl+C or ⌘C) to send with a question or a bug report.</p>
          <textarea className="report" readOnly rows={6} value={props.report.text} data-testid="self-check-text" />
          <Button variant="secondary" onClick={props.onClose} testId="self-check-close">Close</Button>
        </>
      )}
    </section>
  );
}

const count = (lines: CheckLine[], status: CheckLine['status']) => lines.filter((l) => l.status === status).length;
