/**
 * Small stand-ins for UXP's Spectrum widgets so the real panel runs in Chromium: same tag names,
 * attributes and events as UXP documents them (click; change with target.checked, target.value for
 * sliders, target.selectedIndex for pickers — a picker has no `value`), drawn roughly like Spectrum.
 * They are test fixtures, not a Spectrum implementation, and no more lenient than UXP: what the
 * documentation does not promise, they do not offer.
 */

// Colours follow UXP's theme variables (as Spectrum does in Photoshop), dark fallbacks.
const TEXT = 'var(--uxp-host-text-color, #d6d6d6)';
const SECONDARY = 'var(--uxp-host-text-color-secondary, #a0a0a0)';
const BORDER = 'var(--uxp-host-border-color, #555)';
const FIELD = 'var(--uxp-host-widget-hover-background-color, #323232)';
const BASE = `:host { font: 12px system-ui, sans-serif; color: ${TEXT}; }`;

function shadow(el: HTMLElement, css: string, html: string): ShadowRoot {
  const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${BASE}${css}</style>${html}`;
  return root;
}

class SpButton extends HTMLElement {
  static observedAttributes = ['variant', 'disabled'];
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  constructor() {
    super();
    // A disabled Spectrum button swallows clicks.
    this.addEventListener('click', (e) => { if (this.hasAttribute('disabled')) e.stopImmediatePropagation(); }, { capture: true });
  }
  private render() {
    const v = this.getAttribute('variant') ?? 'primary';
    const bg = v === 'cta' ? '#1473e6' : v === 'warning' ? '#d7373f' : 'transparent';
    const border = v === 'cta' ? '#1473e6' : SECONDARY;
    shadow(this, `:host { display: inline-block; } button { all: unset; box-sizing: border-box; padding: 4px 14px; border-radius: 14px;
      border: 2px solid ${border}; background: ${bg}; color: ${v === 'cta' ? '#fff' : TEXT}; font-weight: 700; cursor: pointer; }
      :host([disabled]) button { opacity: .4; cursor: default; } :host([quiet]) button { border-color: transparent; }`,
      `<button part="button"><slot></slot></button>`);
  }
}

class SpCheckbox extends HTMLElement {
  static observedAttributes = ['checked', 'disabled'];
  get checked() { return this.hasAttribute('checked'); }
  set checked(v: boolean) { this.toggleAttribute('checked', v); }
  constructor() {
    super();
    this.addEventListener('click', () => {
      if (this.hasAttribute('disabled')) return;
      this.checked = !this.checked;
      this.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  private render() {
    shadow(this, `:host { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; user-select: none; }
      .box { width: 12px; height: 12px; border: 2px solid ${SECONDARY}; border-radius: 2px; display: inline-flex;
        align-items: center; justify-content: center; color: #fff; font-size: 11px; line-height: 1; font-weight: 700; }
      .tick { visibility: hidden; }
      :host([checked]) .box { background: #1473e6; border-color: #1473e6; } :host([checked]) .tick { visibility: visible; }
      :host([disabled]) { opacity: .4; }`,
      `<span class="box"><span class="tick" part="tick">✓</span></span><slot></slot>`);
  }
}

/**
 * The selection is the index of the menu item marked `selected` (what UXP's docs read as
 * `event.target.selectedIndex`); there is deliberately no `value` property, as UXP's may be undefined.
 */
class SpPicker extends HTMLElement {
  static observedAttributes = ['label'];
  private index = -1;
  private observer = new MutationObserver(() => this.render());
  get selectedIndex() { return this.index; }
  set selectedIndex(i: number) { this.index = i; this.render(); }
  connectedCallback() {
    this.observer.observe(this, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['selected'] });
    this.render();
  }
  disconnectedCallback() { this.observer.disconnect(); }
  attributeChangedCallback() { this.render(); }
  private render() {
    const items = [...this.querySelectorAll('sp-menu-item')];
    const marked = items.findIndex((i) => i.hasAttribute('selected'));
    if (marked >= 0) this.index = marked;
    const root = shadow(this, `:host { display: block; } select { width: 100%; background: ${FIELD}; color: ${TEXT}; border: 1px solid ${BORDER}; padding: 3px; border-radius: 4px; }
      label { display: block; color: ${SECONDARY}; font-size: 11px; }`,
      `<label>${this.getAttribute('label') ?? ''}</label><select>${items.map((i, k) => `<option value="${k}">${i.textContent ?? ''}</option>`).join('')}</select>`);
    const select = root.querySelector('select')!;
    select.selectedIndex = this.index;
    select.addEventListener('change', () => {
      this.index = select.selectedIndex;
      this.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }
}

class SpSlider extends HTMLElement {
  static observedAttributes = ['value', 'min', 'max', 'step'];
  get value() { return Number(this.getAttribute('value')); }
  set value(v: number) { this.setAttribute('value', String(v)); }
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  private render() {
    const a = (n: string) => this.getAttribute(n) ?? '';
    const root = shadow(this, `:host { display: block; } input { width: 100%; } .v { float: right; color: ${SECONDARY}; }`,
      `<slot name="label"></slot><span class="v">${a('value')}</span><input type="range" min="${a('min')}" max="${a('max')}" step="${a('step')}" value="${a('value')}">`);
    const input = root.querySelector('input')!;
    input.addEventListener('change', () => {
      this.value = Number(input.value);
      this.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }
}

/** As UXP documents it: the label comes from a slotted sp-label, the value text from `value-label`. */
class SpProgressbar extends HTMLElement {
  static observedAttributes = ['value', 'max', 'value-label'];
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  private render() {
    const value = Number(this.getAttribute('value') ?? 0), max = Number(this.getAttribute('max') ?? 100);
    const valueLabel = this.getAttribute('value-label') ?? `${Math.round((100 * value) / max)}%`;
    shadow(this, `:host { display: block; } .track { height: 4px; background: ${BORDER}; border-radius: 2px; } .fill { height: 4px; background: #6fb3ff; border-radius: 2px; }
      .head { display: flex; justify-content: space-between; color: ${SECONDARY}; font-size: 11px; margin-bottom: 2px; }`,
      `<div class="head"><slot name="label"></slot><span class="value">${valueLabel}</span></div><div class="track"><div class="fill" style="width:${(100 * value) / max}%"></div></div>`);
  }
}

class SpText extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) shadow(this, `:host { display: block; }`, '<slot></slot>');
  }
}

export function defineSpectrumStandIns(): void {
  const define = (name: string, ctor: CustomElementConstructor) => customElements.get(name) ?? customElements.define(name, ctor);
  define('sp-button', SpButton);
  define('sp-action-button', class extends SpButton {});
  define('sp-checkbox', SpCheckbox);
  define('sp-picker', SpPicker);
  define('sp-slider', SpSlider);
  define('sp-progressbar', SpProgressbar);
  for (const name of ['sp-detail', 'sp-body', 'sp-label', 'sp-divider']) define(name, class extends SpText {});
  // Menus are read by the picker and not shown themselves.
  define('sp-menu', class extends HTMLElement { connectedCallback() { this.style.display = 'none'; } });
  define('sp-menu-item', class extends HTMLElement {});
}
