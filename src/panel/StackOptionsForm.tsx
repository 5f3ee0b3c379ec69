import { useState } from 'react';
import { LARGE_GROWTH_BYTES, STACK_OPTIONS, USER_OPTIONS, type LayerOutput, type OptionName, type OptionSpec } from '../host-bridge/photoshop/index.js';
import { formatBytes } from './messages.js';
import type { PanelOptions } from './panel-options.js';
import { Button, Checkbox, Picker, Slider } from './spectrum.js';

/**
 * The options, made from the option table: the everyday ones shown, the rest one click away under
 * "Expert settings", each with the table's label, range or choices and help. Below the layer choice, how
 * much the document will grow and, when that is more than a PSD can hold, a smaller layer choice.
 */
export function StackOptionsForm(props: {
  options: PanelOptions;
  /** Frames chosen: the upper end of options counted in frames. */
  frameCount: number;
  /** Bytes the run would add to the document, when known. */
  growth?: number;
  /** A layer choice that keeps the document within a PSD's limit, when the chosen one does not. */
  smaller?: LayerOutput;
  /** Why the settings cannot be used, in one sentence. */
  problem?: string;
  disabled: boolean;
  onChange: (options: PanelOptions) => void;
}) {
  const [expert, setExpert] = useState(false);
  const o = props.options;
  const setOption = (name: OptionName, value: unknown) => props.onChange({ ...o, settings: { ...o.settings, [name]: value } });
  const field = (name: OptionName) => (
    <OptionField key={name} name={name} spec={STACK_OPTIONS[name]} value={o.settings[name]} frameCount={props.frameCount}
      disabled={props.disabled} onChange={(value) => setOption(name, value)} />
  );
  const smaller = STACK_OPTIONS.layers.choices.find((c) => c.value === props.smaller);
  const large = props.growth !== undefined && props.growth > LARGE_GROWTH_BYTES;
  return (
    <section className="options">
      {USER_OPTIONS.filter((name) => !STACK_OPTIONS[name].expert).map(field)}
      {props.growth !== undefined && (
        <p className={large ? 'hint flagged' : 'hint'} data-testid="growth">
          Adds about {formatBytes(props.growth)} to the document{large ? ', more than a PSD file can hold (2 GB).' : '.'}
        </p>
      )}
      {large && smaller && (
        <Button variant="secondary" disabled={props.disabled} onClick={() => setOption('layers', smaller.value)} testId="smaller-layers">
          Use {smaller.label}
        </Button>
      )}
      <Checkbox checked={expert} onChange={setExpert} testId="expert">Expert settings</Checkbox>
      {expert && (
        <div className="expert" data-testid="expert-section">
          {USER_OPTIONS.filter((name) => STACK_OPTIONS[name].expert).map(field)}
          <Checkbox checked={o.depthLayer} disabled={props.disabled} onChange={(depthLayer) => props.onChange({ ...o, depthLayer })} testId="depth-layer">Add a depth-map layer</Checkbox>
          <Checkbox checked={o.hideSources} disabled={props.disabled} onChange={(hideSources) => props.onChange({ ...o, hideSources })} testId="hide-sources">Hide the source layers afterwards</Checkbox>
        </div>
      )}
      {props.problem && <p className="error" role="alert" data-testid="options-problem">{props.problem}</p>}
    </section>
  );
}

/** One option: a picker for choices (with the chosen one's help), a slider for numbers (with the option's help). */
function OptionField(props: { name: OptionName; spec: OptionSpec; value: unknown; frameCount: number; disabled: boolean; onChange: (value: unknown) => void }) {
  const { name, spec } = props;
  if (spec.type === 'choice') {
    const index = spec.choices.findIndex((c) => c.value === props.value);
    return (
      <div className="field">
        <Picker label={spec.label} options={spec.choices.map((c) => c.label)} selectedIndex={index} disabled={props.disabled}
          onChange={(i) => props.onChange(spec.choices[i]!.value)} testId={name} />
        <p className="hint" data-testid={`${name}-help`}>{spec.choices[index]?.help ?? spec.help}</p>
      </div>
    );
  }
  // A count of frames cannot exceed the frames there are.
  const max = spec.unit === 'frames' ? Math.max(spec.min, Math.min(spec.max, props.frameCount)) : spec.max;
  return (
    <div className="field">
      <Slider label={`${spec.label} (${spec.unit})`} min={spec.min} max={max} step={spec.step} value={Number(props.value)}
        disabled={props.disabled} onChange={props.onChange} testId={name} />
      <p className="hint">{spec.help}</p>
    </div>
  );
}
