import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { breakFile, demoApp, exportDemo, run } from './engine.js';

type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, any> }; // any: the test reads nested specs of several kinds, each checked by the models

const MODELS: Record<string, { type: string; from: string; validate: (doc: object) => void }> = {
  ConfigMap: { type: 'IConfigMap', from: 'kubernetes-models/v1', validate: (d) => new ConfigMap(d as ConstructorParameters<typeof ConfigMap>[0]).validate() },
  Secret: { type: 'ISecret', from: 'kubernetes-models/v1', validate: (d) => new Secret(d as ConstructorParameters<typeof Secret>[0]).validate() },
  Service: { type: 'IService', from: 'kubernetes-models/v1', validate: (d) => new Service(d as ConstructorParameters<typeof Service>[0]).validate() },
  Deployment: { type: 'IDeployment', from: 'kubernetes-models/apps/v1', validate: (d) => new Deployment(d as ConstructorParameters<typeof Deployment>[0]).validate() },
  Job: { type: 'IJob', from: 'kubernetes-models/batch/v1', validate: (d) => new Job(d as ConstructorParameters<typeof Job>[0]).validate() },
};

const REPO = resolve(import.meta.dirname, '../..');

/**
 * Type-checks every document against kubernetes-models' I<Kind> type with tsc --strict: object
 * literals may not have fields the type lacks, so a misspelt key fails (validate() lets it pass).
 */
function typeCheck(docs: Doc[]): void {
  // Inside node_modules/.cache, tsc finds kubernetes-models by walking up to the repo's node_modules.
  const cache = join(REPO, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'tf-k8s-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const imports = [...new Set(docs.map((d) => `import type { ${MODELS[d.kind]!.type} } from '${MODELS[d.kind]!.from}';`))];
  const body = docs.map((d, i) => `export const doc${i}: ${MODELS[d.kind]!.type} = ${JSON.stringify(d, null, 2)};`);
  writeFileSync(join(dir, 'check.ts'), [...imports, ...body, ''].join('\n'));
  const tsc = join(REPO, 'node_modules/.bin/tsc');
  const result = run(tsc, ['--ignoreConfig', '--strict', '--noEmit', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', join(dir, 'check.ts')], dir);
  if (result.code !== 0) throw new Error(`tsc --strict: ${result.stdout}${result.stderr}`);
}

/** The check: every document validates, type-checks, and tf's own rules hold (selectors, replicas, grace). */
function checkKubernetes(outdir: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(join(outdir, 'demo.yaml'), 'utf8')).map((d) => d.toJS() as Doc);
  for (const doc of docs) {
    if (!MODELS[doc.kind]) throw new Error(`unexpected kind ${doc.kind}`);
    MODELS[doc.kind]!.validate(doc);
  }
  typeCheck(docs);
  for (const doc of docs.filter((d) => d.kind === 'Deployment' || d.kind === 'Service')) {
    const selector = doc.kind === 'Service' ? doc.spec!.selector : doc.spec!.selector.matchLabels;
    const target = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === doc.metadata.name)!;
    expect(target.spec!.template.metadata.labels).toMatchObject(selector);
  }
  return docs;
}

describe('kubernetes, against kubernetes-models and tsc --strict', () => {
  it('validates and type-checks; replicas, grace periods, ports and the release Job follow the formation', async () => {
    const app = demoApp();
    const docs = checkKubernetes(await exportDemo('kubernetes', app, ['--image', 'registry.example/demo:1']));
    const byName = Object.fromEntries(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
    expect(Object.keys(byName).sort()).toEqual(['ConfigMap/demo-config', 'Deployment/demo-stubborn', 'Deployment/demo-web', 'Job/demo-release', 'Service/demo-web']);
    expect(byName['Deployment/demo-web']!.spec!.replicas).toBe(2);
    expect(byName['Deployment/demo-stubborn']!.spec!.replicas).toBe(1);
    expect(byName['Deployment/demo-stubborn']!.spec!.template.spec.terminationGracePeriodSeconds).toBe(1);
    expect(byName['Deployment/demo-web']!.spec!.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
    expect(byName['Job/demo-release']!.spec!.template.spec.containers[0].command).toEqual(['/bin/sh', '-c', 'exec echo migrate']);
  });

  it.each([
    ['a bad key', 'replicas: 2', 'replicaz: 2', /tsc --strict: .*replicaz/s],
    ['a bad duration', 'terminationGracePeriodSeconds: 1', 'terminationGracePeriodSeconds: 1s', /terminationGracePeriodSeconds must be integer/],
  ])('fails the check on an export with %s', async (_, from, to, message) => {
    const app = demoApp();
    const outdir = await exportDemo('kubernetes', app, ['--image', 'demo:1']);
    breakFile(join(outdir, 'demo.yaml'), from, to);
    expect(() => checkKubernetes(outdir)).toThrow(message);
  });
});
