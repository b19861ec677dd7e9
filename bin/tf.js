#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const status = await main(process.argv);
// Piped stdout is written asynchronously: wait until it is out, then exit explicitly so that no
// stray handle keeps a finished tf alive.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(status);
