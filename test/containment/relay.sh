#!/bin/sh
# A relay fork storm, to run only inside a PID namespace: every 20 ms a new chain starts; each link
# calls setsid, starts the next link and exits within about 10 ms, so at any moment the live links
# have neither tf's group nor a parent tf knows. READY once the first chain runs.
if [ "$1" = link ]; then
  setsid sh "$0" link &
  sleep 0.01
  exit 0
fi
setsid sh "$0" link &
echo READY
while :; do
  setsid sh "$0" link &
  sleep 0.02
done
