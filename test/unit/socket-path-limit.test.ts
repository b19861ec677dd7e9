import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLength, maxSocketPathBytes, socketPlace } from '../../src/control/socket-path.js';
import { tfError } from './tf-error.js';

// sun_path is 108 bytes on Linux and 104 on macOS, the terminating NUL included.

/** An app root whose ROOT/.tf/control.sock is exactly BYTES long. */
function rootFor(bytes: number): string {
  const tail = join('/', '.tf', 'control.sock').length;
  return `/${'a'.repeat(bytes - tail - 1)}`;
}

describe('the control socket path limit follows the platform', () => {
  it('is 107 bytes on Linux and 103 on macOS', () => {
    expect(maxSocketPathBytes('linux')).toBe(107);
    expect(maxSocketPathBytes('darwin')).toBe(103);
  });

  it('a 105-byte ROOT/.tf/control.sock is used on Linux, and replaced by the short place on macOS', () => {
    const root = rootFor(105);
    expect(Buffer.byteLength(join(root, '.tf', 'control.sock'))).toBe(105);
    expect(socketPlace(root, undefined, {}, 'linux')).toMatchObject({ path: join(root, '.tf', 'control.sock') });
    const mac = socketPlace(root, undefined, {}, 'darwin');
    expect(mac.short).toBe(true);
    expect(Buffer.byteLength(mac.path)).toBeLessThanOrEqual(103);
  });

  it('a 103-byte path fits both; 104 bytes fits only Linux, with an error naming the limit on macOS', () => {
    expect(socketPlace(rootFor(103), undefined, {}, 'darwin').short).toBeUndefined();
    const path = `/${'s'.repeat(103)}`;
    expect(() => checkLength(path, 'linux')).not.toThrow();
    const error = tfError(() => checkLength(path, 'darwin'));
    expect(error.message).toBe(`the control socket path is too long for a Unix socket (104 bytes, at most 103): ${path}`);
    expect(error.hint).toBe('choose a shorter one with --control-socket or TF_CONTROL_SOCKET');
  });
});
