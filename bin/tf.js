#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that goes away (`tf help | head`) must not crash tf with a stack trace: tf start
// reacts through its own listener (it stops its processes), every other command just finishes.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

const status = await main(process.argv);
// Piped stdout is written asynchronously: wait until it is out, then exit explicitly so that no
// stray handle keeps a finished tf alive.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(status);
