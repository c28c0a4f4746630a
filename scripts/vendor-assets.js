#!/usr/bin/env node
'use strict';
// Part of `npm run build`: copies the browser bundles the server serves from node_modules into
// public/vendor/ (git-ignored), so that the running server needs the files, not the package trees.
const { copyFileSync, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'public', 'vendor');
const bundles = [
  // Redoc renders /docs, the API reference. Its licence notices travel with it.
  { from: 'redoc/bundles/redoc.standalone.js', to: 'redoc.standalone.js' },
  { from: 'redoc/bundles/redoc.standalone.js.LICENSE.txt', to: 'redoc.standalone.js.LICENSE.txt' },
  { from: 'redoc/LICENSE', to: 'redoc.LICENSE' },
];

mkdirSync(out, { recursive: true });
for (const bundle of bundles) {
  const source = require.resolve(bundle.from, { paths: [root] });
  mkdirSync(dirname(join(out, bundle.to)), { recursive: true });
  copyFileSync(source, join(out, bundle.to));
}
process.stdout.write(`vendored ${bundles.length} files into public/vendor/\n`);
