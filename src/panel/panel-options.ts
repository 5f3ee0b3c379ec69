import {
  DEFAULT_SETTINGS, OptionError, resolveSettings, USER_OPTIONS,
  type OptionName, type StackSettings,
} from '../host-bridge/photoshop/index.js';

/**
 * What the panel lets the user choose: the option table's values (all but the memory budget, which the
 * Photoshop host decides) plus two panel-only outputs. Labels, ranges, defaults and help come from the
 * table (STACK_OPTIONS); nothing about an option is written here.
 */
export interface PanelOptions {
  settings: Partial<Record<OptionName, unknown>>;
  /** Add a hidden depth-map layer. */
  depthLayer: boolean;
  /** Hide the source layers afterwards. */
  hideSources: boolean;
}

export const DEFAULT_PANEL_OPTIONS: PanelOptions = {
  settings: Object.fromEntries(USER_OPTIONS.map((name) => [name, DEFAULT_SETTINGS[name]])),
  depthLayer: false,
  hideSources: false,
};

/** The settings the engine will run with, or the reason (OptionError) they are not acceptable. */
export function checkSettings(options: PanelOptions): { settings: StackSettings } | { error: OptionError } {
  try {
    return { settings: resolveSettings(options.settings) };
  } catch (error) {
    if (error instanceof OptionError) return { error };
    throw error;
  }
}
