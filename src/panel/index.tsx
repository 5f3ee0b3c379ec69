import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// UXP calls show() when the panel first appears; rendering then (not at load) keeps plugin start-up light.
let mounted = false;
function mount(): void {
  if (mounted) return;
  mounted = true;
  createRoot(document.getElementById('root')!).render(<App />);
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
