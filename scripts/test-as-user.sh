#!/usr/bin/env bash
# Runs `npm test` (and any vitest arguments given) as an ordinary user: see scripts/as-user.sh.
exec "$(dirname "$0")/as-user.sh" npm test -- "$@"
