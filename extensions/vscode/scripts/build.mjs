// Bundles src/extension.ts (and minimatch) into dist/extension.js; `vscode` stays external.
//   node scripts/build.mjs [--production]
import { build } from 'esbuild';

const production = process.argv.includes('--production');
await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  outfile: 'dist/extension.js',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
});
