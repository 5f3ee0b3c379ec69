/**
 * Panel styles, injected once at mount (no CSS loader needed, shared by the plugin and the browser harness).
 * Colours come from UXP's theme variables, so light and dark themes both work; fallbacks are dark.
 */
const CSS = `
.panel { padding: 8px; display: flex; flex-direction: column; gap: 8px; min-width: 220px;
  color: var(--uxp-host-text-color, #d6d6d6); font-size: var(--uxp-host-font-size, 12px);
  font-family: var(--uxp-host-font-family, system-ui, sans-serif); }
.row { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.spread { justify-content: space-between; }
.frame-list { list-style: none; margin: 0; padding: 0; max-height: 260px; overflow-y: auto;
  border: 1px solid var(--uxp-host-border-color, #555); border-radius: 4px; }
.frame { display: flex; align-items: center; gap: 6px; padding: 2px 4px; }
.frame.excluded { opacity: 0.5; }
.thumb { width: 48px; height: 36px; object-fit: cover; background: var(--uxp-host-widget-hover-background-color, #444); flex: none; display: inline-block; }
.hint { color: var(--uxp-host-text-color-secondary, #a0a0a0); font-size: 11px; margin: 0; }
.column { display: flex; flex-direction: column; gap: 2px; }
.field { display: flex; flex-direction: column; gap: 2px; }
.expert { display: flex; flex-direction: column; gap: 6px; padding-left: 8px;
  border-left: 2px solid var(--uxp-host-border-color, #555); }
.run, .summary, .options { display: flex; flex-direction: column; gap: 6px; }
.residuals { font-size: 11px; }
.residual { display: flex; gap: 6px; }
.residual .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.residual.flagged, .hint.flagged { color: #e68619; }
.check { display: flex; gap: 6px; align-items: flex-start; }
.check .badge { width: 14px; flex: none; text-align: center; font-weight: 700; }
.check.pass .badge { color: #2d9d78; } .check.warn .badge { color: #e68619; } .check.fail .badge { color: #f26c6c; }
.report { width: 100%; box-sizing: border-box; font-family: monospace; font-size: 10px;
  color: var(--uxp-host-text-color, #d6d6d6); background: var(--uxp-host-widget-hover-background-color, #444);
  border: 1px solid var(--uxp-host-border-color, #555); }
.error { color: #f26c6c; margin: 0; }
.notice, .problem { margin: 0; color: var(--uxp-host-text-color-secondary, #a0a0a0); }
`;

export function injectStyles(doc: Document = document): void {
  if (doc.getElementById('planewise-styles')) return;
  const style = doc.createElement('style');
  style.id = 'planewise-styles';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
