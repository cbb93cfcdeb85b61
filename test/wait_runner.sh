#!/usr/bin/env bash
# Waits for the background runner, polling in short separate transactions (a
# long-running wait would hold a snapshot that CREATE INDEX CONCURRENTLY waits
# for). Without an argument: until nothing is queued or running. With STATE:
# until some migration is in that state. Used by the pg_regress suites via \!.
if [ $# -eq 0 ]; then
    query="SELECT count(*) = 0 FROM migrate.status() WHERE state IN ('queued', 'running')"
else
    query="SELECT count(*) > 0 FROM migrate.status() WHERE state = '$1'"
fi
for _ in $(seq 1 600); do
    [ "$(psql -X -A -t -c "$query" 2>/dev/null)" = "t" ] && exit 0
    sleep 0.1
done
echo "runner: still waiting after 60 s for: $query"
exit 1
