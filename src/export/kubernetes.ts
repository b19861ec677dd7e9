import { shellScript } from '../supervisor/shell-command.js';
import { TfError } from '../util/errors.js';
import { yaml } from '../util/yaml.js';
import { defaultRestartNote, dependsOnNote, restartNote } from './input.js';
import { checkName, DNS_LABEL } from './names.js';
import { bareSignal, ceilSeconds } from './quote.js';
import { SECRET_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

type Doc = Record<string, unknown>;

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH/i;
const URL_WITH_PASSWORD = /:\/\/[^/@\s]*:[^/@\s]*@/;

/**
 * Kubernetes: one APP.yaml with a ConfigMap and a Secret for the env files' variables (a name
 * like *_TOKEN or *PASSWORD*, or a URL with a password, is a secret), a Deployment per type, a
 * Service for web and a Job for the release phase.
 */
export function kubernetes(input: ExportInput): ExportResult {
  if (!input.image) throw new TfError('kubernetes: no image to run', 'name it with --image, e.g. --image registry.example.com/app:1.2');
  if (input.user !== undefined && !/^\d+$/.test(input.user)) throw new TfError(`kubernetes: --user "${input.user}" is not a numeric user id (runAsUser)`, 'use a uid, e.g. --user 1000');
  checkName('kubernetes', 'app name', input.app, DNS_LABEL);
  for (const type of input.types) checkName('kubernetes', `object name for process type ${type.name}`, `${input.app}-${type.name}`, DNS_LABEL, 'rename the process type in the Procfile (lowercase, no "_"), or shorten --app');
  const secret = input.env.filter(([key, value]) => SECRET_NAME.test(key) || URL_WITH_PASSWORD.test(value));
  const config = input.env.filter((entry) => !secret.includes(entry));
  const refs = { config: config.length ? `${input.app}-config` : undefined, secret: secret.length ? `${input.app}-secret` : undefined };
  const docs: Doc[] = [
    ...(refs.config ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: refs.config, labels: labels(input.app) }, data: Object.fromEntries(config) }] : []),
    ...(refs.secret ? [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: refs.secret, labels: labels(input.app) }, type: 'Opaque', stringData: Object.fromEntries(secret) }] : []),
    ...input.types.flatMap((type) => [deployment(input, type, refs), ...(type.name === 'web' ? [service(input, type)] : [])]),
    ...(input.release !== undefined ? [releaseJob(input, input.release, refs)] : []),
  ];
  const notes = [
    ...defaultRestartNote('kubernetes', input.types, "a Deployment restarts its pods, after the kubelet's growing back-off"),
    ...restartNote(input.types, ['stop', 'ignore'], (names) => `kubernetes: a Deployment always restarts its pods: ${names} will be restarted when they exit (tf.yml restart: stop or ignore is not kept)`),
    ...dependsOnNote('kubernetes', input.types),
  ];
  return { files: [{ path: `${input.app}.yaml`, content: docs.map((doc) => yaml().stringify(doc)).join('---\n'), mode: SECRET_MODE }], notes };
}

interface EnvRefs {
  config: string | undefined;
  secret: string | undefined;
}

function labels(app: string, component?: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, ...(component ? { 'app.kubernetes.io/component': component } : {}), 'app.kubernetes.io/managed-by': 'tf' };
}

function selector(app: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': component };
}

function container(input: ExportInput, name: string, command: string, refs: EnvRefs, extra: Doc): Doc {
  const fromPod = (key: string) => ({ name: key, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  const envFrom = [...(refs.config ? [{ configMapRef: { name: refs.config } }] : []), ...(refs.secret ? [{ secretRef: { name: refs.secret } }] : [])];
  return {
    name,
    image: input.image,
    command: ['/bin/sh', '-c', shellScript(command)],
    ...(envFrom.length ? { envFrom } : {}),
    env: [...('port' in extra ? [{ name: 'PORT', value: String(extra.port) }] : []), fromPod('PS'), fromPod('DYNO')],
    ...('ports' in extra ? { ports: extra.ports } : {}),
    ...('lifecycle' in extra ? { lifecycle: extra.lifecycle } : {}),
  };
}

function podSpec(input: ExportInput, containers: Doc[], more: Doc): Doc {
  return { ...more, ...(input.user !== undefined ? { securityContext: { runAsUser: Number(input.user) } } : {}), containers };
}

function deployment(input: ExportInput, type: ExportType, refs: EnvRefs): Doc {
  const name = `${input.app}-${type.name}`;
  const extra: Doc = { port: type.port };
  if (type.name === 'web') extra.ports = [{ name: 'http', containerPort: type.port, protocol: 'TCP' }];
  // Kubernetes always stops a container with SIGTERM: another stop signal is sent by a preStop
  // hook, which then waits for the process to end; the grace period bounds both.
  if (type.stopSignal !== 'SIGTERM') {
    extra.lifecycle = { preStop: { exec: { command: ['/bin/sh', '-c', `kill -s ${bareSignal(type.stopSignal)} 1; while kill -s 0 1 2>/dev/null; do sleep 1; done`] } } };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(input.app, type.name) },
    spec: {
      replicas: type.instances.length,
      selector: { matchLabels: selector(input.app, type.name) },
      template: {
        metadata: { labels: labels(input.app, type.name) },
        spec: podSpec(input, [container(input, type.name, type.command, refs, extra)], { terminationGracePeriodSeconds: ceilSeconds(type.drainMs) }),
      },
    },
  };
}

function service(input: ExportInput, type: ExportType): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${input.app}-${type.name}`, labels: labels(input.app, type.name) },
    spec: { selector: selector(input.app, type.name), ports: [{ name: 'http', port: type.port, targetPort: 'http', protocol: 'TCP' }] },
  };
}

function releaseJob(input: ExportInput, command: string, refs: EnvRefs): Doc {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${input.app}-release`, labels: labels(input.app, 'release') },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(input.app, 'release') },
        spec: podSpec(input, [container(input, 'release', command, refs, {})], { restartPolicy: 'Never' }),
      },
    },
  };
}
