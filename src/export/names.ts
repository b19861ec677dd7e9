import { TfError } from '../util/errors.js';

export interface NameRule {
  pattern: RegExp;
  /** The rule in words, for the error. */
  words: string;
  maxLength: number;
}

/** Throws a one-line error naming the target's rule when `name` breaks it. */
export function checkName(target: string, what: string, name: string, rule: NameRule, hint = 'choose another name with --app'): void {
  if (name.length <= rule.maxLength && rule.pattern.test(name)) return;
  throw new TfError(`${target}: ${what} "${name}" is not a valid name: ${rule.words}, at most ${rule.maxLength} characters`, hint);
}

/** Unit, program and service directory names: no path separators, no leading dot. */
export const FILE_NAME: NameRule = { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, words: 'letters, digits, ".", "_" and "-", not starting with "." or "-"', maxLength: 200 };

/** Kubernetes object names (RFC 1123 label; a Service's must also start with a letter, RFC 1035). */
export const DNS_LABEL: NameRule = { pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/, words: 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit (RFC 1035 label)', maxLength: 63 };

/** A default app name from a folder name: lowercase, anything else a "-". */
export function defaultAppName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '');
  return name === '' ? 'app' : name.slice(0, 40).replace(/-+$/, '');
}
