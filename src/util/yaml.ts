import { loadOnce } from './load-once.js';

/**
 * The yaml package, loaded on first use: it is the largest module tf has (~15 ms from the bundle),
 * which `tf start` would pay before its first process starts. Only apps with a tf.yml, and the
 * exports that write YAML, load it.
 */
export const yaml = loadOnce(() => require('yaml') as typeof import('yaml'));
