import { DEFAULT_STACK_OPTIONS, type StackRequest } from '../host-bridge/index.js';

/** What the panel lets the user choose, with the defaults a first run should use. */
export interface PanelOptions {
  mode: 'pyramid' | 'depthmap';
  alignment: 'similarity' | 'translation' | 'none';
  smoothing: number;
  focusWindow: number;
  noise: number;
  /** Frames per sub-stack layer; 0 = no sub-stack layers. */
  slabSize: number;
  slabOverlap: number;
  depthLayer: boolean;
  hideSources: boolean;
}

export const DEFAULT_PANEL_OPTIONS: PanelOptions = {
  mode: DEFAULT_STACK_OPTIONS.mode,
  alignment: DEFAULT_STACK_OPTIONS.alignment,
  smoothing: DEFAULT_STACK_OPTIONS.smoothing,
  focusWindow: DEFAULT_STACK_OPTIONS.focus.windowSigma,
  noise: DEFAULT_STACK_OPTIONS.focus.noiseSigma,
  slabSize: 0,
  slabOverlap: 1,
  depthLayer: false,
  hideSources: false,
};

export function engineOptions(o: PanelOptions): NonNullable<StackRequest['options']> {
  return {
    mode: o.mode,
    alignment: o.alignment,
    smoothing: o.smoothing,
    focus: { windowSigma: o.focusWindow, noiseSigma: o.noise },
    ...(o.slabSize >= 2 ? { slabs: { size: o.slabSize, overlap: Math.min(o.slabOverlap, o.slabSize - 1) } } : {}),
  };
}
