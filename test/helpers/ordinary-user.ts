import { userInfo } from 'node:os';

/**
 * vitest's global setup: the suite runs as an ordinary user, as real users run tf (root bypasses
 * every permission check, so it hides the failures they meet). In CI a run as root is an error;
 * elsewhere it is a warning naming the way to run as a user. There is no root-only group.
 */
export default function ordinaryUser(): void {
  const uid = process.getuid?.();
  // Said in the log, not assumed: who the run's processes are.
  if (uid !== undefined) console.log(`the suite runs as ${userInfo().username} (uid ${uid})`);
  if (uid !== 0) return;
  const how = 'run npm test, which runs the suite as an ordinary user (scripts/as-user.sh)';
  if (process.env.CI) throw new Error(`the test suite is running as root in CI: ${how}`);
  console.warn(`warning: the test suite is running as root, which hides permission failures: ${how}`);
}
