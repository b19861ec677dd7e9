#!/bin/sh
# Runs inside a private PID namespace (unshare -Upfr --mount-proc), so forcing PID reuse through
# ns_last_pid touches nothing outside. Usage: pid-reuse.sh TF_JS PATH_MODE DRAIN
#   shutdown: d.1 exits 0 leaving a setsid child (holding stdout); a stranger takes d.1's PID, as the
#             leader of a group with that number; then Ctrl-C to tf.
#   watchdog: while tf drains, d.1 exits; a stranger takes its PID (and group number); then kill -9 of tf.
# Prints STRANGER-ALIVE or STRANGER-KILLED, and whether the stubborn process survived.
tf_js=$1 mode=$2 drain=$3
node "$tf_js" start --no-timestamps -t "$drain" > tf.log 2>&1 &
tf=$!
wait_for() {
  i=0
  until grep -q "$1" tf.log; do
    sleep 0.02; i=$((i + 1))
    if [ $i -ge 1500 ]; then echo "TIMEOUT waiting for $1"; cat tf.log; kill -9 $tf; exit 90; fi
  done
}
wait_for 'stubborn.1 | READY'
pid=$(sed -n 's/.*d\.1 started (pid \([0-9]*\).*/\1/p' tf.log)
if [ "$mode" = watchdog ]; then
  kill -TERM $tf
  wait_for 'd.1 exited\|d.1 daemonized\|d.1 was terminated'
else
  wait_for 'd.1 exited\|d.1 daemonized'
  while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
fi
echo $((pid - 1)) > /proc/sys/kernel/ns_last_pid
setsid sleep 600 &
stranger=$!
if [ "$stranger" != "$pid" ]; then echo "NO-REUSE $stranger $pid"; kill -9 $tf $stranger; exit 91; fi
echo "REUSED $pid"
if [ "$mode" = watchdog ]; then kill -9 $tf; else kill -INT $tf; fi
wait $tf
# tf (or, after kill -9, its shims or watchdog) has done its killing once the stubborn process is gone.
i=0
while [ -n "$(pgrep -f stubborn.mjs)" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
[ -n "$(pgrep -f stubborn.mjs)" ] && echo STUBBORN-ALIVE
# The watchdog's sweeps run right after it notices; give it the same bound before judging.
i=0
while [ -n "$(pgrep -f tf-watchdog)" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
if kill -0 $stranger 2>/dev/null; then echo STRANGER-ALIVE; kill -9 $stranger; else echo STRANGER-KILLED; fi
