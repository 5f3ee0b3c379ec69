import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { photoshop } from './photoshop.js';
import { loadPluginKernels } from './plugin-wasm.js';
import { injectStyles } from './styles.js';

// UXP calls show() when the panel first appears; rendering then (not at load) keeps plugin start-up light.
let mounted = false;
function mount(): void {
  if (mounted) return;
  mounted = true;
  injectStyles();
  createRoot(document.getElementById('root')!).render(<App ps={photoshop()} loadKernels={loadPluginKernels} />);
}

// The published UXP typings describe `panels` as an array; at run time it is a map from panel id (as in
// manifest.json) to its lifecycle callbacks.
const { entrypoints } = require('uxp');
(entrypoints.setup as (config: unknown) => void)({
  panels: {
    planewise: {
      show() {
        mount();
      },
    },
  },
});
