/**
 * vitest's global setup: the suite runs as an ordinary user, as real users run tf (root bypasses
 * every permission check, so it hides the failures they meet). In CI a run as root is an error;
 * elsewhere it is a warning naming the way to run as a user. There is no root-only group.
 */
export default function ordinaryUser(): void {
  if (process.getuid?.() !== 0) return;
  const how = 'run scripts/test-as-user.sh, which runs the suite as an ordinary user';
  if (process.env.CI) throw new Error(`the test suite is running as root in CI: ${how}`);
  console.warn(`warning: the test suite is running as root, which hides permission failures: ${how}`);
}
