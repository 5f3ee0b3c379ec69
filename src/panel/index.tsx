import { createRoot } from 'react-dom/client';
import { loadPhotoshopKernels } from '../host-bridge/photoshop/index.js';
import { App } from './App.js';
import { MENU_ITEMS, PanelCommands } from './commands.js';
import { photoshop } from './photoshop.js';
import { injectStyles } from './styles.js';

const commands = new PanelCommands();
const readPluginFile = (path: string) => (require('fs') as { readFile(path: string): Promise<ArrayBuffer> }).readFile(path);
const loadKernels = (notice: (message: string) => void) => loadPhotoshopKernels(readPluginFile, notice);

// UXP calls show() when the panel first appears; rendering then (not at load) keeps plugin start-up light.
let mounted = false;
function mount(): void {
  if (mounted) return;
  mounted = true;
  injectStyles();
  const { host } = require('uxp') as { host?: { version?: string } };
  createRoot(document.getElementById('root')!).render(
    <App ps={photoshop()} loadKernels={loadKernels} commands={commands} {...(host?.version ? { hostVersion: host.version } : {})} />,
  );
}

// Called synchronously at bundle start (UXP can refuse a late setup). The published UXP typings describe
// `panels` as an array; at run time it is a map from panel id (as in manifest.json) to its lifecycle and
// flyout menu.
const { entrypoints } = require('uxp');
(entrypoints.setup as (config: unknown) => void)({
  panels: {
    planewise: {
      show() {
        mount();
      },
      menuItems: MENU_ITEMS.map((m) => ({ id: m.id, label: m.label })),
      invokeMenu(id: string) {
        commands.invoke(id);
      },
    },
  },
});
