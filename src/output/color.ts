/**
 * Whether tf colors its output: FORCE_COLOR wins (0/false turns color off), then NO_COLOR (any
 * non-empty value), then whether stdout is a terminal that is not "dumb".
 */
export function shouldColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}
