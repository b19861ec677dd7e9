import type { ExportInput, ExportType } from '../../src/export/types.js';

export function exportType(overrides: Partial<ExportType> = {}): ExportType {
  const name = overrides.name ?? 'web';
  const count = overrides.instances?.length ?? 2;
  const port = overrides.port ?? 5000;
  return {
    name,
    command: 'node server.js',
    instances: Array.from({ length: count }, (_, i) => ({ name: `${name}.${i + 1}`, instance: i + 1, port: port + i })),
    port,
    stopSignal: 'SIGTERM',
    drainMs: 5000,
    restart: { kind: 'stop' },
    restartDefaulted: false,
    dependsOn: [],
    ...overrides,
  };
}

/** A plain input for pure generator tests: web=2 and worker=1 unless a test says otherwise. */
export function sampleInput(overrides: Partial<ExportInput> = {}): ExportInput {
  return {
    app: 'shop',
    root: '/srv/shop',
    outdir: '/etc/tf',
    types: [exportType(), exportType({ name: 'worker', port: 5100, instances: [{ name: 'worker.1', instance: 1, port: 5100 }], command: 'node worker.js' })],
    env: [['GREETING', 'hello']],
    path: '/usr/bin:/bin',
    ...overrides,
  };
}

export function fileOf(result: { files: Array<{ path: string; content: string; mode: number }> }, path: string): { content: string; mode: number } {
  const file = result.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} among ${result.files.map((f) => f.path).join(', ')}`);
  return file;
}
