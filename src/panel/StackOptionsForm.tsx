import { useState } from 'react';
import type { PanelOptions } from './panel-options.js';
import { Checkbox, Picker, Slider } from './spectrum.js';

const MODE_HELP = {
  pyramid: 'Pyramid keeps the most fine detail, even where no single frame is sharp. Best for most subjects.',
  depthmap: 'Depth map takes each pixel from its sharpest frames: true colours, less halo, softer transitions. Best for clean backgrounds and retouching.',
};

/** Mode choice explained in plain words; the expert controls one click away. */
export function StackOptionsForm(props: { options: PanelOptions; disabled: boolean; onChange: (options: PanelOptions) => void }) {
  const [expert, setExpert] = useState(false);
  const o = props.options;
  const set = (patch: Partial<PanelOptions>) => props.onChange({ ...o, ...patch });
  return (
    <section className="options">
      <Picker label="Method" value={o.mode} testId="mode" onChange={(mode) => set({ mode })}
        options={[{ value: 'pyramid', label: 'Pyramid (most detail)' }, { value: 'depthmap', label: 'Depth map (true colour)' }]} />
      <p className="hint" data-testid="mode-help">{MODE_HELP[o.mode]}</p>
      <Checkbox checked={expert} onChange={setExpert} testId="expert">Expert settings</Checkbox>
      {expert && (
        <div className="expert" data-testid="expert-section">
          <Picker label="Alignment" value={o.alignment} testId="alignment" onChange={(alignment) => set({ alignment })}
            options={[{ value: 'similarity', label: 'Scale, rotation and shift' }, { value: 'translation', label: 'Shift only' }, { value: 'none', label: 'None (already aligned)' }]} />
          <Slider label="Depth-map smoothing (px)" min={0.5} max={20} step={0.5} value={o.smoothing} onChange={(smoothing) => set({ smoothing })} testId="smoothing" />
          <Slider label="Focus window (px)" min={0.5} max={8} step={0.5} value={o.focusWindow} onChange={(focusWindow) => set({ focusWindow })} testId="focus-window" />
          <Slider label="Noise suppression (px)" min={0} max={3} step={0.1} value={o.noise} onChange={(noise) => set({ noise })} testId="noise" />
          <Slider label="Sub-stack layers: frames each (0 = none)" min={0} max={50} value={o.slabSize} onChange={(slabSize) => set({ slabSize })} testId="slab-size" />
          {o.slabSize >= 2 && (
            <Slider label="Sub-stack overlap (frames)" min={0} max={Math.max(0, o.slabSize - 1)} value={Math.min(o.slabOverlap, o.slabSize - 1)} onChange={(slabOverlap) => set({ slabOverlap })} testId="slab-overlap" />
          )}
          <Checkbox checked={o.depthLayer} disabled={props.disabled} onChange={(depthLayer) => set({ depthLayer })} testId="depth-layer">Add a depth-map layer</Checkbox>
          <Checkbox checked={o.hideSources} disabled={props.disabled} onChange={(hideSources) => set({ hideSources })} testId="hide-sources">Hide the source layers afterwards</Checkbox>
        </div>
      )}
    </section>
  );
}
