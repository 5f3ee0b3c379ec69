import { useState } from 'react';
import type { FrameEntry } from '../host-bridge/photoshop/index.js';
import { Button, Checkbox } from './spectrum.js';

/**
 * The stack's layers near to far, each with a thumbnail and an include checkbox; the layers not used are
 * behind a toggle, each saying why (a flex list and a button: UXP does not render <details>).
 */
export function FrameList(props: {
  entries: FrameEntry[];
  thumbnails: Record<string, string>;
  selected: Set<string>;
  reverse: boolean;
  disabled: boolean;
  onToggle: (id: string, on: boolean) => void;
  onReverse: (reverse: boolean) => void;
}) {
  const usable = props.entries.filter((e) => e.usable);
  const ordered = props.reverse ? [...usable].reverse() : usable;
  const skipped = props.entries.filter((e) => !e.usable);
  const count = usable.filter((e) => props.selected.has(e.id)).length;
  const [showSkipped, setShowSkipped] = useState(false);
  return (
    <section className="frames">
      <div className="row spread">
        <sp-detail data-testid="frame-count">{count} of {usable.length} frames</sp-detail>
        <Checkbox checked={props.reverse} disabled={props.disabled} onChange={props.onReverse} testId="reverse">Far to near</Checkbox>
      </div>
      <ol className="frame-list" data-testid="frame-list">
        {ordered.map((e, i) => (
          <li key={e.id} className={props.selected.has(e.id) ? 'frame' : 'frame excluded'}>
            {props.thumbnails[e.id] ? <img src={props.thumbnails[e.id]} alt="" className="thumb" /> : <span className="thumb" />}
            <Checkbox checked={props.selected.has(e.id)} disabled={props.disabled} onChange={(on) => props.onToggle(e.id, on)} testId={`frame-${e.name}`}>
              {e.name}
            </Checkbox>
            <span className="hint">{i === 0 ? 'near' : i === ordered.length - 1 ? 'far' : ''}{e.note ? ` ${e.note}` : ''}</span>
          </li>
        ))}
      </ol>
      {skipped.length > 0 && (
        <div className="skipped">
          <Button variant="secondary" quiet onClick={() => setShowSkipped(!showSkipped)} testId="skipped-toggle">
            {`${showSkipped ? '▾' : '▸'} ${skipped.length} layer${skipped.length > 1 ? 's' : ''} not used`}
          </Button>
          {showSkipped && (
            <div className="column" data-testid="skipped">
              {skipped.map((e) => <p key={e.id} className="hint">{e.name}: {e.note}</p>)}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
