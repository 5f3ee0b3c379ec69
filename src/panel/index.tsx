import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// UXP calls show() when the panel first appears; rendering then (not at load) keeps plugin start-up light.
let mounted = false;
function mount(): void {
  if (mounted) return;
  mounted = true;
  createRoot(document.getElementById('root')!).render(<App />);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { entrypoints } = require('uxp') as typeof import('uxp');
entrypoints.setup({
  panels: {
    planewise: {
      show() {
        mount();
      },
    },
  },
});
