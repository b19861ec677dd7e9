import { TfError } from '../util/errors.js';

/** Release IDs are `v1`, `v2`, ...: the sequence number is the only ordering tf trusts. */
const ID = /^v([1-9][0-9]{0,8})$/;

export function releaseId(seq: number): string {
  return `v${seq}`;
}

/** The sequence number of a well-formed ID, else undefined (also used to recognise release dirs). */
export function seqOf(name: string): number | undefined {
  const match = ID.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Validates an ID typed on the command line before it is ever joined to a path: only `vN` passes,
 * so `../x`, `/etc`, `v0` or `v1/..` can never name anything outside the store.
 */
export function parseReleaseId(text: string): string {
  if (seqOf(text) !== undefined) return text;
  if (/^[0-9]+$/.test(text) && seqOf(`v${text}`) !== undefined) return `v${text}`;
  throw new TfError(`"${text}" is not a release ID`, 'release IDs look like v1, v2, ...; see tf release list');
}
