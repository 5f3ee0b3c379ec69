import { DEFAULT_SETTINGS, type StackRequest } from '../host-bridge/index.js';

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
  mode: DEFAULT_SETTINGS.mode,
  alignment: DEFAULT_SETTINGS.alignment,
  smoothing: DEFAULT_SETTINGS.smoothing,
  focusWindow: DEFAULT_SETTINGS.focusWindow,
  noise: DEFAULT_SETTINGS.noise,
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
    focusWindow: o.focusWindow,
    noise: o.noise,
    ...(o.slabSize >= 2 ? { slabSize: o.slabSize, slabOverlap: Math.min(o.slabOverlap, o.slabSize - 1) } : {}),
  };
}
