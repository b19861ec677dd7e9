import { describe, expect, it } from 'vitest';
import { pipeBytesFor } from '../../src/supervisor/spawner.js';

describe('pipeBytesFor', () => {
  it('gives small formations 1 MiB pipes and keeps every formation within 16 MiB of pipes, never under 64 KiB each', () => {
    const sizes = [1, 8, 9, 16, 17, 64, 128, 1000].map((processes) => [processes, pipeBytesFor(processes)]);
    expect(sizes).toEqual([[1, 1048576], [8, 1048576], [9, 524288], [16, 524288], [17, 262144], [64, 131072], [128, 65536], [1000, 65536]]);
    for (let processes = 1; processes <= 128; processes++) expect(2 * processes * pipeBytesFor(processes)).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});
