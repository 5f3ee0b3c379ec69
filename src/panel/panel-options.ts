import type { StackRequest } from '../host-bridge/index.js';

/** What the panel lets the user choose, with the defaults a first run should use. */
export interface PanelOptions {
  mode: 'pyramid' | 'depthmap';
  alignment: 'similarity' | 'translation' | 'none';
  smoothing: number;
  focusWindow: number;
  noise: number;
  depthLayer: boolean;
  hideSources: boolean;
}

export const DEFAULT_PANEL_OPTIONS: PanelOptions = {
  mode: 'pyramid',
  alignment: 'similarity',
  smoothing: 6,
  focusWindow: 3,
  noise: 0.8,
  depthLayer: false,
  hideSources: false,
};

export function engineOptions(o: PanelOptions): NonNullable<StackRequest['options']> {
  return { mode: o.mode, alignment: o.alignment, smoothing: o.smoothing, focus: { windowSigma: o.focusWindow, noiseSigma: o.noise } };
}
