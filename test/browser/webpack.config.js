// Bundles the browser harness (the panel + fake Photoshop + Spectrum stand-ins) into build/harness.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export default {
  mode: 'development',
  devtool: false,
  entry: resolve(root, 'test/browser/harness.tsx'),
  target: 'web',
  output: { path: resolve(root, 'build/harness'), filename: 'harness.js', clean: true },
  resolve: { extensions: ['.tsx', '.ts', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
  module: {
    rules: [{ test: /\.tsx?$/, loader: 'ts-loader', options: { configFile: resolve(root, 'test/browser/tsconfig.json'), transpileOnly: true }, exclude: /node_modules/ }],
  },
  performance: { hints: false },
};
