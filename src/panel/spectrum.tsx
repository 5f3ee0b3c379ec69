import { useEffect, useRef, type ReactNode } from 'react';

/**
 * React wrappers for UXP's Spectrum widgets. UXP's sp-* elements do not reliably deliver React's synthetic
 * events, so each wrapper attaches a native listener through a ref; boolean attributes are omitted when
 * false (custom elements treat any present attribute as true).
 */

function useNativeEvent(event: string, handler: ((e: Event) => void) | undefined) {
  const ref = useRef<HTMLElement>(null);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (e: Event) => latest.current?.(e);
    el.addEventListener(event, listener);
    return () => el.removeEventListener(event, listener);
  }, [event]);
  return ref;
}

const flag = (on: boolean | undefined) => (on ? true : undefined);

export function Button(props: { variant?: 'cta' | 'primary' | 'secondary' | 'warning'; quiet?: boolean; disabled?: boolean; onClick: () => void; children: ReactNode; testId?: string }) {
  const ref = useNativeEvent('click', () => {
    if (!props.disabled) props.onClick();
  });
  return (
    <sp-button ref={ref} variant={props.variant ?? 'primary'} quiet={flag(props.quiet)} disabled={flag(props.disabled)} data-testid={props.testId}>
      {props.children}
    </sp-button>
  );
}

export function Checkbox(props: { checked: boolean; disabled?: boolean; onChange: (checked: boolean) => void; children: ReactNode; testId?: string }) {
  const ref = useNativeEvent('change', (e) => props.onChange(Boolean((e.target as HTMLInputElement).checked)));
  return (
    <sp-checkbox ref={ref} checked={flag(props.checked)} disabled={flag(props.disabled)} data-testid={props.testId}>
      {props.children}
    </sp-checkbox>
  );
}

/**
 * A choice among labelled options. UXP documents reading the choice as `event.target.selectedIndex` (its
 * pickers may have no `value`), so the wrapper maps the index onto the options; the selection is shown by
 * marking the chosen menu item `selected`.
 */
export function Picker(props: { label: string; options: string[]; selectedIndex: number; disabled?: boolean; onChange: (index: number) => void; testId?: string }) {
  const ref = useNativeEvent('change', (e) => {
    const index = (e.target as HTMLElement & { selectedIndex?: number }).selectedIndex;
    if (typeof index === 'number' && index >= 0 && index < props.options.length) props.onChange(index);
  });
  return (
    <sp-picker ref={ref} label={props.label} disabled={flag(props.disabled)} data-testid={props.testId} size="s">
      <sp-menu slot="options">
        {props.options.map((label, i) => (
          <sp-menu-item key={label} selected={flag(i === props.selectedIndex)}>
            {label}
          </sp-menu-item>
        ))}
      </sp-menu>
    </sp-picker>
  );
}

export function Slider(props: { label: string; min: number; max: number; step?: number; value: number; disabled?: boolean; onChange: (value: number) => void; testId?: string }) {
  const ref = useNativeEvent('change', (e) => props.onChange(Number((e.target as HTMLInputElement).value)));
  return (
    <sp-slider ref={ref} min={props.min} max={props.max} step={props.step ?? 1} value={props.value} disabled={flag(props.disabled)} data-testid={props.testId} show-value="true">
      <sp-label slot="label">{props.label}</sp-label>
    </sp-slider>
  );
}

/** UXP's progress bar takes its label from a slotted sp-label and its value text from `value-label`. */
export function ProgressBar(props: { value: number; label: string; valueLabel: string; labelTestId?: string }) {
  return (
    <sp-progressbar max={100} value={Math.round(props.value * 100)} value-label={props.valueLabel} data-testid="progress">
      <sp-label slot="label" data-testid={props.labelTestId}>{props.label}</sp-label>
    </sp-progressbar>
  );
}
