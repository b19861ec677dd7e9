import { relative, sep } from 'node:path';
import { formatDuration } from '../config/duration.js';
import { shellScript } from '../supervisor/shell-command.js';
import { yaml } from '../util/yaml.js';
import { defaultRestartNote, notRestarted, restartNote, unlimitedNote } from './input.js';
import { checkName, type NameRule } from './names.js';
import { SECRET_MODE, type ExportInput, type ExportResult, type ExportType } from './types.js';

/** Compose project names (the spec's rule). */
const PROJECT_NAME: NameRule = { pattern: /^[a-z0-9][a-z0-9_-]*$/, words: 'lowercase letters, digits, "_" and "-", starting with a letter or digit (Compose project names)', maxLength: 63 };

/**
 * Compose: APP.compose.yml with a service per type (deploy.replicas, stop_signal,
 * stop_grace_period, ports for web) and APP.env as its env_file. The image is --image, else the
 * app root is built.
 */
export function compose(input: ExportInput): ExportResult {
  checkName('compose', 'app name', input.app, PROJECT_NAME);
  const [portable, inline] = splitEnv(input.env);
  const envFile = `${input.app}.env`;
  const services = Object.fromEntries(input.types.map((type) => [type.name, service(input, type, portable.length ? envFile : undefined, inline)]));
  const files = [{ path: `${input.app}.compose.yml`, content: `# ${input.app}, exported by tf: docker compose -p ${input.app} -f ${input.app}.compose.yml up\n${yaml().stringify({ services }, { version: '1.1' })}`, mode: SECRET_MODE }];
  if (portable.length) files.push({ path: envFile, content: `# ${input.app}'s variables from its env files (exported by tf)\n${portable.map(([k, v]) => `${k}='${v}'\n`).join('')}`, mode: SECRET_MODE });
  const notes = [
    ...defaultRestartNote('compose', input.types, "restart: unless-stopped, after Docker's growing delay"),
    ...unlimitedNote('compose', input.types, 'restart: unless-stopped'),
    ...restartNote(input.types, ['stop'], notRestarted('compose')),
    ...unhealthyNote(input),
  ];
  return { files, notes };
}

/** Compose resolves build: against the compose file's folder: relative, the export moves with the app. */
export function buildContext(root: string, outdir: string): string {
  const path = relative(outdir, root).split(sep).join('/');
  if (path === '') return '.';
  return path.startsWith('../') || path === '..' || path.startsWith('/') ? path : `./${path}`;
}

/** A cmd ready check is a healthcheck as it stands; port and line checks have no portable one. */
function healthcheck(type: ExportType): Record<string, unknown> | undefined {
  if (type.ready?.kind !== 'cmd') return undefined;
  return { test: ['CMD-SHELL', literal(type.ready.command)], interval: '1s', start_period: formatDuration(type.readyTimeoutMs ?? 0) };
}

/** depends_on: healthy where the dependency has a healthcheck, else started. */
function dependsOn(input: ExportInput, type: ExportType): Record<string, { condition: string }> | undefined {
  const deps = input.types.filter((t) => type.dependsOn.includes(t.name));
  if (deps.length === 0) return undefined;
  return Object.fromEntries(deps.map((dep) => [dep.name, { condition: healthcheck(dep) ? 'service_healthy' : 'service_started' }]));
}

function unhealthyNote(input: ExportInput): string[] {
  const needed = new Set(input.types.flatMap((t) => t.dependsOn));
  const names = input.types.filter((t) => needed.has(t.name) && t.ready !== undefined && !healthcheck(t)).map((t) => t.name);
  if (names.length === 0) return [];
  return [`compose: the ready check of ${names.join(', ')} has no healthcheck to become (only ready: cmd does), so what depends on ${names.length > 1 ? 'them' : 'it'} starts once ${names.length > 1 ? 'their containers have' : 'its container has'} started`];
}

/**
 * Compose implementations read env files differently: v1 decodes \\ and \' inside single quotes
 * and still expands ${VAR} there, v2 does neither; both drop what follows an unquoted #. A
 * single-quoted value without ', \, $ or a line break means the same to all of them: those go to
 * the env_file, the rest inline in the compose file, where $$ is a literal $ for all of them.
 */
export function splitEnv(env: Array<[string, string]>): [Array<[string, string]>, Array<[string, string]>] {
  const portable = env.filter(([, value]) => !/['\\$\r\n]/.test(value));
  return [portable, env.filter((entry) => !portable.includes(entry))];
}

/** Compose interpolates ${VAR} and $VAR everywhere in the file; $$ is a literal $. */
function literal(text: string): string {
  return text.replaceAll('$', '$$$$');
}

function service(input: ExportInput, type: ExportType, envFile: string | undefined, inline: Array<[string, string]>): Record<string, unknown> {
  const count = type.instances.length;
  const environment = { ...Object.fromEntries(inline.map(([k, v]) => [k, literal(v)])), PORT: String(type.port), PS: type.name, DYNO: type.name };
  return {
    ...(input.image ? { image: input.image } : { build: buildContext(input.root, input.outdir) }),
    command: ['/bin/sh', '-c', literal(shellScript(type.command))],
    ...(envFile ? { env_file: [envFile] } : {}),
    environment,
    ...(input.user ? { user: input.user } : {}),
    // Replicas share the host port range; each container listens on the type's PORT.
    ...(type.name === 'web' ? { ports: [count > 1 ? `${type.port}-${type.port + count - 1}:${type.port}` : `${type.port}:${type.port}`] } : {}),
    restart: type.restart.kind === 'restart' ? 'unless-stopped' : 'no',
    ...(healthcheck(type) ? { healthcheck: healthcheck(type) } : {}),
    ...(dependsOn(input, type) ? { depends_on: dependsOn(input, type) } : {}),
    stop_signal: type.stopSignal,
    stop_grace_period: formatDuration(type.drainMs),
    deploy: { replicas: count },
  };
}
