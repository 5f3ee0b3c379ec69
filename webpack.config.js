// Bundles the UXP panel into dist/ (load dist/manifest.json with the UXP Developer Tool).
import CopyPlugin from 'copy-webpack-plugin';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

export default (_env, argv) => ({
  mode: argv.mode ?? 'production',
  entry: './src/panel/index.tsx',
  target: 'web',
  // UXP forbids eval, so no eval-based source maps.
  devtool: argv.mode === 'development' ? 'cheap-source-map' : false,
  output: { path: resolve(root, 'dist'), filename: 'index.js', clean: true },
  resolve: {
    extensions: ['.tsx', '.ts', '.js'],
    // Sources use NodeNext-style `.js` specifiers for TypeScript files.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
  },
  module: {
    rules: [{ test: /\.tsx?$/, loader: 'ts-loader', options: { configFile: 'tsconfig.panel.json' }, exclude: /node_modules/ }],
  },
  // Provided by UXP at run time.
  externals: { photoshop: 'commonjs2 photoshop', uxp: 'commonjs2 uxp', fs: 'commonjs2 fs', os: 'commonjs2 os' },
  externalsType: 'commonjs2',
  performance: { hints: false },
  plugins: [
    new CopyPlugin({
      patterns: [
        { from: 'manifest.json' },
        { from: 'src/panel/index.html' },
        { from: 'icons', to: 'icons' },
        { from: 'build/wasm/*.wasm', to: '[name][ext]' },
      ],
    }),
  ],
});
