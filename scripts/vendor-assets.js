#!/usr/bin/env node
// Part of `npm run build`: copies the browser bundles the server serves from node_modules into
// public/vendor/ (git-ignored): Mermaid for the flow diagram (/vendor/mermaid.min.js) and Redoc for the
// API reference (/docs). The server needs those files, not the package trees (Mermaid's is ~150 MB),
// so both packages are devDependencies and never reach a production install or the Docker image.
// Upgrading a package and rebuilding is all an upgrade takes. Licences travel with the copies.
'use strict';

const { copyFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'public', 'vendor');
const bundles = [
  { from: 'mermaid/dist/mermaid.min.js', to: 'mermaid.min.js' },
  { from: 'mermaid/LICENSE', to: 'mermaid.LICENSE.txt' },
  { from: 'redoc/bundles/redoc.standalone.js', to: 'redoc.standalone.js' },
  { from: 'redoc/bundles/redoc.standalone.js.LICENSE.txt', to: 'redoc.standalone.js.LICENSE.txt' },
  { from: 'redoc/LICENSE', to: 'redoc.LICENSE' },
];

mkdirSync(out, { recursive: true });
for (const bundle of bundles) {
  let source;
  try {
    source = require.resolve(bundle.from, { paths: [root] });
  } catch {
    const pkg = bundle.from.split('/')[0];
    console.error(`vendor-assets: ${bundle.from} not found: the ${pkg} package is a devDependency; run npm install, then npm run build`);
    process.exit(1);
  }
  copyFileSync(source, join(out, bundle.to));
}
process.stdout.write(`vendor-assets: ${bundles.length} files into public/vendor/\n`);
