#!/usr/bin/env bash
# Runs a command (the suite, the package check) as an ordinary user, the way real users run tf:
# root hides permission failures. `npm test` runs the suite through it, so CI and developers who
# are root on their machine run it as a user; CI (.ci/run) runs the package check through it too.
# As root it creates the user and hands it the checkout; as anyone else it just runs the command.
#
#   scripts/as-user.sh COMMAND [ARGS...]
#
# The run gets a private network namespace with only loopback, so the suite's ports never meet
# another run's (or a service of the machine's). Set TF_TEST_SHARED_NET=1 to skip that.
set -euo pipefail
cd "$(dirname "$0")/.."

user=${TF_TEST_USER:-tftest}
if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi
id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group "$user"
chown -R "$user:" .

# root's PATH often holds folders under /root that the user cannot enter; a lookup through one
# fails with EACCES instead of ENOENT, so keep only what the user can search.
path=
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  if [ -n "$dir" ] && runuser -u "$user" -- test -x "$dir" 2>/dev/null; then path="${path:+$path:}$dir"; fi
done

run=(runuser -u "$user" -- env "PATH=$path" "HOME=$(getent passwd "$user" | cut -d: -f6)" "$@")
if [ "${TF_TEST_SHARED_NET:-}" = 1 ] || ! unshare -n true 2>/dev/null; then
  exec "${run[@]}"
fi
exec unshare -n -- sh -c 'ip link set lo up && exec "$@"' sh "${run[@]}"
