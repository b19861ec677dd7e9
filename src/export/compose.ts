import { formatDuration } from '../config/duration.js';
import { shellScript } from '../supervisor/shell-command.js';
import { yaml } from '../util/yaml.js';
import { notRestarted, restartNote } from './input.js';
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
  const notes = restartNote(input.types, ['stop'], notRestarted('compose'));
  return { files, notes };
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
    ...(input.image ? { image: input.image } : { build: input.root }),
    command: ['/bin/sh', '-c', literal(shellScript(type.command))],
    ...(envFile ? { env_file: [envFile] } : {}),
    environment,
    ...(input.user ? { user: input.user } : {}),
    // Replicas share the host port range; each container listens on the type's PORT.
    ...(type.name === 'web' ? { ports: [count > 1 ? `${type.port}-${type.port + count - 1}:${type.port}` : `${type.port}:${type.port}`] } : {}),
    restart: type.restart.kind === 'restart' ? 'always' : 'no',
    stop_signal: type.stopSignal,
    stop_grace_period: formatDuration(type.drainMs),
    deploy: { replicas: count },
  };
}
