#!/usr/bin/env node
'use strict';
// tf runs from dist/tf.js, one bundle, with the code V8 compiled for it on this machine's first
// run kept in the user's cache folder (see src/cli/bundle-loader.ts).
// CommonJS, as is all of dist: Node 20's ESM loader costs tf ~30 ms a start (see package.json's "type").
const { join } = require('node:path');

const { main } = loadTf();

function loadTf() {
  const dist = join(__dirname, '..', 'dist');
  try {
    const { loadBundle, defaultCacheDir } = require(join(dist, 'cli', 'bundle-loader.js'));
    return loadBundle(join(dist, 'tf.js'), { cacheDir: defaultCacheDir() }).exports;
  } catch (error) {
    const notBuilt = (error.code === 'ENOENT' && String(error.path).startsWith(dist)) || (error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(dist));
    if (!notBuilt) throw error;
    process.stderr.write(`tf: ${dist} is not built (run npm run build)\n`);
    process.exit(70);
  }
}

// A reader that goes away (`tf help | head`) must not crash tf with a stack trace: tf start
// reacts through its own listener (it stops its processes), every other command just finishes.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

main(process.argv).then(async (status) => {
  // Piped stdout is written asynchronously: wait until it is out, then exit explicitly so that no
  // stray handle keeps a finished tf alive.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(status);
});
