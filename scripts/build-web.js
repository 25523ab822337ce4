#!/usr/bin/env node
// Bundles the web client page: web/app.ts → dist/web/app.js (browser, es2020, minified),
// and copies the static files next to it. The server serves dist/web at `/`.
const { build } = require('esbuild');
const { copyFileSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const out = join(root, 'dist/web');

async function main() {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'web/app.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css'])
    copyFileSync(join(root, 'web', file), join(out, file));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
