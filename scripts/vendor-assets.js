#!/usr/bin/env node
// Part of `npm run build`: copies Mermaid's browser bundle (and its licence) into public/vendor/, where
// the server serves it as /vendor/mermaid.min.js. The web page is the only user of Mermaid, and only of
// this one file, so mermaid stays a devDependency and its package tree (~150 MB) never reaches a
// production install or the Docker image. public/vendor/ is not in git: it is rebuilt from the
// installed package, so upgrading mermaid and rebuilding is all an upgrade takes.
'use strict';

const { copyFileSync, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const target = join(__dirname, '..', 'public', 'vendor');

let bundle;
try {
  bundle = require.resolve('mermaid/dist/mermaid.min.js');
} catch {
  console.error('vendor-assets: the mermaid package is not installed (it is a devDependency): run npm install, then npm run build');
  process.exit(1);
}

mkdirSync(target, { recursive: true });
copyFileSync(bundle, join(target, 'mermaid.min.js'));
// MIT: the licence travels with the copy (the package root is two folders above dist/mermaid.min.js).
copyFileSync(join(dirname(bundle), '..', 'LICENSE'), join(target, 'mermaid.LICENSE.txt'));
const { version } = require('mermaid/package.json');
console.log(`vendor-assets: public/vendor/mermaid.min.js from mermaid ${version}`);
