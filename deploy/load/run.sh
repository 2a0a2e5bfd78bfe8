#!/usr/bin/env bash
# Load one configuration of the Redis pool with wrk and print throughput, latency and what degraded.
# usage: deploy/load/run.sh POOL_SIZE POOL_WAITING CLIENTS [DURATION]   (from the repository root,
# after ./mvnw package -DskipTests; needs redis-server, wrk and curl; uses ports 6391 and 8099)
set -uo pipefail
POOL=$1; WAITING=$2; CLIENTS=$3; DUR=${4:-15s}
HERE=$(cd "$(dirname "$0")" && pwd)
RPORT=6391; PORT=8099; BOOT=load-bootstrap-key-0123456789abcdefghijklmnop
WORK=$(mktemp -d)
redis-server --port $RPORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
CACHE_DOMAIN_STORE=redis REDIS_URL=redis://127.0.0.1:$RPORT CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY=$BOOT QUARKUS_HTTP_PORT=$PORT \
  QUARKUS_REDIS_MAX_POOL_SIZE=$POOL QUARKUS_REDIS_MAX_POOL_WAITING=$WAITING \
  CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE=1000000000 CACHE_DOMAIN_RATE_LIMITS_API_PER_HOUR=1000000000 \
  RATE_LIMIT_DEFAULT_REQUESTS=1000000000 \
  java -Xmx512m -jar "$HERE/../../target/quarkus-app/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 150); do curl -s -o /dev/null localhost:$PORT/q/health/ready && break; sleep 0.2; done
KEY=$(curl -s -X POST localhost:$PORT/v1/admin/api-keys -H "Authorization: Bearer $BOOT" -H 'Content-Type: application/json' \
  -d '{"name": "load", "projects": ["bench"], "scopes": ["cache:read", "cache:write", "rate-limits"]}' \
  | sed 's/.*"key":"\([^"]*\)".*/\1/')
for k in $(seq 0 99); do
  curl -s -o /dev/null -X PUT localhost:$PORT/v1/projects/bench/cache/k$k -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' -d '{"value": 1}'
done
wrk -t2 -c"$CLIENTS" -d5s -s "$HERE/mixed.lua" -H "Authorization: Bearer $KEY" http://127.0.0.1:$PORT > /dev/null
RESULT=$(wrk -t2 -c"$CLIENTS" -d"$DUR" -s "$HERE/mixed.lua" -H "Authorization: Bearer $KEY" http://127.0.0.1:$PORT | tail -1)
AFTER=$(wrk -t1 -c10 -d5s -s "$HERE/mixed.lua" -H "Authorization: Bearer $KEY" http://127.0.0.1:$PORT | tail -1)
METRICS=$(curl -s localhost:$PORT/q/metrics)
echo "load=$(cut -d' ' -f1 /proc/loadavg) pool=$POOL waiting=$WAITING clients=$CLIENTS $RESULT"
echo "  then 10 clients: $AFTER"
echo "$METRICS" | grep -E '^redis_pool_queue_delay_seconds_max|^operations_degraded_total|^breaker_state.*(open|half-open).* 1.0|outcome="unavailable"' \
  | grep -v ' 0.0$' | sed 's/^/  /'
kill $SERVICE; wait $SERVICE 2>/dev/null
kill "$(cat "$WORK/redis.pid")"
