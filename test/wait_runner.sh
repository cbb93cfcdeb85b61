#!/usr/bin/env bash
# Waits until the background runner has no queued or running work, polling in
# short separate transactions (a long-running wait would hold a snapshot that
# CREATE INDEX CONCURRENTLY waits for). Used by the pg_regress suites via \!.
for _ in $(seq 1 600); do
    busy=$(psql -X -A -t -c "SELECT count(*) FROM migrate.status() WHERE state IN ('queued', 'running')" 2>/dev/null)
    [ "$busy" = "0" ] && exit 0
    sleep 0.1
done
echo "runner still busy after 60 s"
exit 1
