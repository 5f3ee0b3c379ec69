// comlink ships this adapter as .mjs with a .d.ts beside it, which NodeNext resolution does not pair up.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort, Worker } from 'node:worker_threads';
  export default function nodeEndpoint(port: Worker | MessagePort): Endpoint;
}
