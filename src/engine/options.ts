/**
 * The one table of stacking options: each option's name, type, range, default and help text. The engine's
 * defaults and validation, the CLI's flags and --help, and the panel's form are all made from it, so an
 * option has one name, one unit and one range everywhere.
 */

export interface ChoiceSpec<T extends string = string> {
  type: 'choice';
  /** Command-line flag, without the dashes. */
  flag: string;
  label: string;
  help: string;
  choices: readonly { value: T; label: string; help: string }[];
  default: T;
  /** Shown only behind the panel's "Expert settings". */
  expert: boolean;
}

export interface NumberSpec {
  type: 'number';
  flag: string;
  label: string;
  help: string;
  min: number;
  max: number;
  /** Panel slider step; 1 with `integer`. */
  step: number;
  integer: boolean;
  unit: string;
  default: number;
  expert: boolean;
}

export type OptionSpec = ChoiceSpec | NumberSpec;

export const FUSION_MODES = ['pyramid', 'depthmap', 'hybrid'] as const;
export type FusionMode = (typeof FUSION_MODES)[number];
export const LAYER_OUTPUTS = ['frames', 'slabs', 'none'] as const;
export type LayerOutput = (typeof LAYER_OUTPUTS)[number];
export const ALIGNMENT_MODELS = ['similarity', 'translation', 'none'] as const;
export type AlignmentModel = (typeof ALIGNMENT_MODELS)[number];

/** The settings that decide a run's result (plus the memory it may use), all plain values. */
export interface StackSettings {
  mode: FusionMode;
  layers: LayerOutput;
  alignment: AlignmentModel;
  smoothing: number;
  focusWindow: number;
  noise: number;
  pyramidLevels: number;
  analysisSize: number;
  slabSize: number;
  slabOverlap: number;
  memory: number;
}

export const STACK_OPTIONS = {
  mode: {
    type: 'choice', flag: 'mode', label: 'Method', expert: false, default: 'hybrid',
    help: 'How the frames are fused.',
    choices: [
      { value: 'pyramid', label: 'Pyramid (most detail)', help: 'Keeps the most fine detail, even where no single frame is sharp, on the depth map\'s tones. Picks up more noise in flat areas.' },
      { value: 'depthmap', label: 'Depth map (true colour)', help: 'Takes each pixel from its sharpest frames: true colours, no noise gain, softer transitions. Best for clean backgrounds and retouching.' },
      { value: 'hybrid', label: 'Hybrid (depth map plus detail)', help: 'The depth map, averaging frames where none is sharpest (less noise), plus pyramid detail where the frames hold fine structure the depth map misses, such as hairs. The masks reproduce the composite wherever no detail was added.' },
    ],
  },
  layers: {
    type: 'choice', flag: 'layers', label: 'Layers', expert: false, default: 'frames',
    help: 'What the layered result holds below the composite.',
    choices: [
      { value: 'frames', label: 'Every frame, masked', help: 'Each aligned frame as a layer with a soft mask; paint the masks to choose which frame shows where.' },
      { value: 'slabs', label: 'Slabs, masked', help: 'One masked layer per slab of neighbouring frames (about ten for any stack): a deep stack retouched slab by slab, in a far smaller document.' },
      { value: 'none', label: 'Composite only', help: 'Only the composite: the fastest run and the smallest document.' },
    ],
  },
  alignment: {
    type: 'choice', flag: 'align', label: 'Alignment', expert: true, default: 'similarity',
    help: 'What alignment corrects between frames.',
    choices: [
      { value: 'similarity', label: 'Scale, rotation and shift', help: 'Focus breathing, small rotation and shift (the usual case).' },
      { value: 'translation', label: 'Shift only', help: 'A sliding stage with no breathing.' },
      { value: 'none', label: 'None (already aligned)', help: 'Frames aligned elsewhere, e.g. by Photoshop\'s Auto-Align.' },
    ],
  },
  smoothing: {
    type: 'number', flag: 'smoothing', label: 'Depth-map smoothing', unit: 'px', expert: true,
    min: 0, max: 20, step: 0.5, integer: false, default: 2,
    help: 'Width (Gaussian sigma) of the soft blend between frames in the depth map; larger is smoother, with wider halos.',
  },
  focusWindow: {
    type: 'number', flag: 'focus-window', label: 'Focus window', unit: 'px', expert: true,
    min: 0.5, max: 8, step: 0.5, integer: false, default: 1.5,
    help: 'Area (Gaussian sigma) over which sharpness is measured; larger is steadier, smaller follows finer depth steps.',
  },
  noise: {
    type: 'number', flag: 'noise', label: 'Noise suppression', unit: 'px', expert: true,
    min: 0, max: 3, step: 0.1, integer: false, default: 0.8,
    help: 'Blur (Gaussian sigma) applied before measuring sharpness, so sensor noise does not read as detail.',
  },
  pyramidLevels: {
    type: 'number', flag: 'pyramid-levels', label: 'Pyramid levels', unit: 'levels', expert: true,
    min: 1, max: 8, step: 1, integer: true, default: 3,
    help: 'Finest detail levels the pyramid and hybrid modes choose frame by frame, each half the resolution of the one before; coarser ones come from the depth map.',
  },
  analysisSize: {
    type: 'number', flag: 'analysis-size', label: 'Alignment image size', unit: 'px', expert: true,
    min: 256, max: 4096, step: 128, integer: true, default: 1024,
    help: 'Longest side of the downscaled images alignment works on.',
  },
  slabSize: {
    type: 'number', flag: 'slab-size', label: 'Slab size', unit: 'frames', expert: true,
    min: 0, max: 1000, step: 1, integer: true, default: 0,
    help: 'Frames per slab (sub-stack). With layers "slabs", 0 picks about ten slabs; with layers "frames", slabs of this size are added as hidden layers (0 = none).',
  },
  slabOverlap: {
    type: 'number', flag: 'slab-overlap', label: 'Slab overlap', unit: 'frames', expert: true,
    min: 0, max: 999, step: 1, integer: true, default: 1,
    help: 'Frames shared by neighbouring slabs; fewer than the slab size.',
  },
  memory: {
    type: 'number', flag: 'memory', label: 'Working memory', unit: 'MiB', expert: true,
    min: 1, max: 65536, step: 1, integer: false, default: 512,
    help: 'Budget for the fusion tiles\' working planes; the rest of the run adds about one decoded frame.',
  },
} as const satisfies { [K in keyof StackSettings]: OptionSpec };

export type OptionName = keyof StackSettings;

export const DEFAULT_SETTINGS: StackSettings = Object.fromEntries(
  Object.entries(STACK_OPTIONS).map(([name, spec]) => [name, spec.default]),
) as unknown as StackSettings;

/**
 * An option outside its range or choices. The message names it as the command line knows it; `label` and
 * `requirement` let another front end (the panel) word it its own way.
 */
export class OptionError extends Error {
  constructor(readonly label: string, readonly flag: string, readonly requirement: string) {
    super(`${label} (--${flag}) ${requirement}`);
    this.name = 'OptionError';
  }
}

/** What `value` fails to be for `spec` ("must be ...; got ..."), or undefined when it is acceptable. */
export function optionRequirement(spec: OptionSpec, value: unknown): string | undefined {
  if (spec.type === 'choice') {
    return spec.choices.some((c) => c.value === value) ? undefined : `must be ${listChoices(spec)}; got ${shown(value)}`;
  }
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max
    && (!spec.integer || Number.isInteger(value));
  return ok ? undefined : `must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max} ${spec.unit}; got ${shown(value)}`;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function listChoices(spec: ChoiceSpec): string {
  return orList(spec.choices.map((c) => c.value));
}

/** "a, b or c". */
export function orList(values: readonly string[]): string {
  return values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : (values[0] ?? '');
}

/**
 * Defaults filled in and every value checked, at the engine's entry: an unknown mode or a NaN never reaches
 * the planner. Undefined values take the default; anything else must be valid.
 */
export function resolveSettings(partial: Partial<Record<OptionName, unknown>> = {}): StackSettings {
  const settings = { ...DEFAULT_SETTINGS };
  for (const name of Object.keys(STACK_OPTIONS) as OptionName[]) {
    const value = partial[name];
    if (value === undefined) continue;
    const spec = STACK_OPTIONS[name];
    const requirement = optionRequirement(spec, value);
    if (requirement) throw new OptionError(spec.label.toLowerCase(), spec.flag, requirement);
    (settings as Record<OptionName, unknown>)[name] = value;
  }
  if (settings.slabSize === 1) throw new OptionError('slab size', STACK_OPTIONS.slabSize.flag, 'must be 0 (no slabs) or at least 2 frames; got 1');
  if (settings.slabSize >= 2 && settings.slabOverlap >= settings.slabSize) {
    throw new OptionError('slab overlap', STACK_OPTIONS.slabOverlap.flag, `must be smaller than the slab size (${settings.slabSize}); got ${settings.slabOverlap}`);
  }
  return settings;
}

/** A command-line string turned into the option's type (validation is resolveSettings'). */
export function parseOptionText(spec: OptionSpec, text: string): string | number {
  return spec.type === 'number' ? (text.trim() === '' ? Number.NaN : Number(text)) : text;
}
