import { useEffect, useState } from 'react';
import type { KernelKind } from '../wasm/kernels.js';
import { loadPluginKernels } from './plugin-wasm.js';

/** Minimal panel for the foundation: shows that the plugin and its kernels load. The full panel follows. */
export function App() {
  const [kernels, setKernels] = useState<KernelKind | 'loading'>('loading');
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    loadPluginKernels((message) => setNotice(message)).then((k) => setKernels(k.kind));
  }, []);
  return (
    <div style={{ padding: 12 }}>
      <h2 style={{ fontSize: 14, margin: '0 0 8px' }}>Planewise</h2>
      <p>Engine: {kernels === 'loading' ? 'loading…' : kernels}</p>
      {notice && <p style={{ opacity: 0.8 }}>{notice}</p>}
    </div>
  );
}
