#!/usr/bin/env bash
# The README's walk-through as a script: every example of the README, in its order, against a started
# service, failing on the first answer whose status is not the one the README promises.
#
#   BASE=localhost:8080 ADMIN=cdk_… docs/quickstart.sh
#
# BASE is where the service listens, ADMIN its bootstrap key. Run it against a fresh service: it creates
# keys of fixed names (a second run on the same data gets 409 for them). Needs bash, curl and jq only.
#
# The README is the source, and this script holds its text: every line of every README bash block
# that runs curl or the command line (its commands, their continuation lines and the variables they set) appears here
# verbatim and in the same order, each command preceded by `expect <status>`, the status it must
# answer. QuickstartIT checks that, so an example changed in one place and not the other fails
# `./mvnw verify`, and then runs this script against the packaged service. curl here is a function:
# it adds -w '%{http_code}', prints the body as curl would, and fails unless the status is the one
# expected. It never prints a request's headers, which carry the keys.
set -euo pipefail

: "${BASE:?set BASE, e.g. localhost:8080}"
: "${ADMIN:?set ADMIN to the service bootstrap key}"
J='Content-Type: application/json'
EXPECT=""

# The status the next curl must answer.
expect() {
  EXPECT="$1"
}

curl() {
  local body status url=""
  for arg in "$@"; do
    case "$arg" in *"$BASE"*) url="$arg" ;; esac
  done
  if [ -z "$EXPECT" ]; then
    echo "quickstart: no expected status declared for $url" >&2
    return 1
  fi
  body=$(mktemp)
  if ! status=$(command curl -sS -o "$body" -w '%{http_code}' "$@"); then
    echo "quickstart: curl failed on $url" >&2
    rm -f "$body"
    return 1
  fi
  cat "$body"
  if [ "$status" != "$EXPECT" ]; then
    echo >&2
    echo "quickstart: FAILED: $url answered $status, the README says $EXPECT" >&2
    rm -f "$body"
    return 1
  fi
  rm -f "$body"
  echo "quickstart: $status $url" >&2
  EXPECT=""
}

command -v jq >/dev/null || { echo "quickstart: jq is needed (apt-get install jq)" >&2; exit 1; }

# --- First requests
expect 201
KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-backend", "projects": ["shop"], "scopes": ["cache:read", "cache:write"]}' | jq -r .key)
expect 201
curl -s -X PUT $BASE/v1/projects/shop/cache/user:42 -H "Authorization: Bearer $KEY" \
  -H "$J" -d '{"value": {"name": "Ada"}, "ttlSeconds": 600, "tags": ["users"]}'

# --- Cache
expect 201
CACHE_KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-cache", "projects": ["shop"], "scopes": ["cache:read", "cache:write"]}' | jq -r .key)
H="Authorization: Bearer $CACHE_KEY"; P=$BASE/v1/projects/shop
expect 200   # replaced: First requests wrote it
curl -i -X PUT $P/cache/user:42 -H "$H" -H "$J" -d '{"value": {"name": "Ada"}, "ttlSeconds": 600, "tags": ["users"]}'
expect 200
VERSION=$(curl -s $P/cache/user:42 -H "$H" | jq .version)
expect 200
curl -i -X PUT $P/cache/user:42 -H "$H" -H "$J" -H "If-Match: \"$VERSION\"" -d '{"value": {"name": "Grace"}}'
expect 412
curl -i -X PUT $P/cache/user:42 -H "$H" -H "$J" -H "If-Match: \"$VERSION\"" -d '{"value": {"name": "Lin"}}'   # 412 now
expect 201
curl -i -X PUT $P/cache/user:43 -H "$H" -H "$J" -H 'If-None-Match: *' -d '{"value": 43}'
expect 200
curl -i $P/cache/user:42 -H "$H"
expect 200
VERSION=$(curl -s $P/cache/user:42 -H "$H" | jq .version)
expect 304
curl -i $P/cache/user:42 -H "$H" -H "If-None-Match: \"$VERSION\""
expect 200
curl -I $P/cache/user:42 -H "$H"
expect 404
curl -i $P/cache/nobody -H "$H"
expect 204
curl -i -X DELETE $P/cache/user:43 -H "$H"
expect 204
curl -i -X DELETE $P/cache/user:43 -H "$H"
expect 200
curl "$P/cache?pattern=user:*&limit=100" -H "$H"
expect 200
curl -X POST $P/cache/invalidations -H "$H" -H "$J" -d '{"tags": ["users"], "pattern": "session:42:*"}'
expect 200
curl -X DELETE $P/cache -H "$H"
expect 200
curl -X DELETE "$P/cache?shred=true" -H "Authorization: Bearer $ADMIN"
expect 200
curl $P/cache-stats -H "$H"
expect 200
curl -X POST $P/cache-keys -H "$H" -H "$J" -d '{"namespace": "quote", "material": {"sku": "A-1", "qty": 2, "options": [true, null, 1.50]}}'
printf '%s' '{"options":[true,null,1.5],"qty":2,"sku":"A-1"}' | sha256sum
expect 200
curl $BASE/v1/admin/projects/shop/keys -H "Authorization: Bearer $ADMIN"
expect 409
curl -X POST $BASE/v1/admin/projects/shop/keys/rotate -H "Authorization: Bearer $ADMIN"
expect 200
curl $BASE/v1/admin/sessions/keys -H "Authorization: Bearer $ADMIN"
expect 409
curl -X POST $BASE/v1/admin/sessions/keys/rotate -H "Authorization: Bearer $ADMIN"

# --- Sessions
expect 201
SESSIONS_KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-login", "projects": ["shop", "blog"], "scopes": ["sessions"]}' | jq -r .key)
SH="Authorization: Bearer $SESSIONS_KEY"; S=$BASE/v1/sessions
expect 201
OPENED=$(curl -s -X POST $S -H "$SH" -H "$J" -d '{"userId": "user-42", "userData": {"name": "Ada"}, "projectAccess": ["shop"], "idleTimeoutSeconds": 1800}')
TOKEN=$(echo "$OPENED" | jq -r .token); ID=$(echo "$OPENED" | jq -r .sessionId)
expect 200
curl -X POST $S/validate -H "$SH" -H "$J" -d "{\"token\": \"$TOKEN\"}"   # 200 session (counts as activity) or 401
expect 200
curl $S/$ID -H "$SH"                                                      # the session, never its token; 404 if none
expect 200
curl -X PUT $S/$ID/projects/blog -H "$SH"                                 # grant: 200 with the session
expect 200
curl -X DELETE $S/$ID/projects/blog -H "$SH"                              # revoke: 200 with the session
expect 200
TOKEN=$(curl -s -X POST $S/$ID/rotate -H "$SH" | jq -r .token)            # new token; the old one dies at once
expect 200
curl "$BASE/v1/users/user-42/sessions?limit=100" -H "$SH"                 # live sessions, oldest first, paged
expect 200
curl $S/current -H "Authorization: Bearer $TOKEN"                         # counts as activity
expect 204
curl -i -X DELETE $S/current --cookie "cd_session=$TOKEN"                 # logout: 204, clears the cookie
expect 204
curl -i -X DELETE $S/current --cookie "cd_session=$TOKEN"                 # again: 204, clears it again
expect 204
curl -i -X DELETE $S/$ID -H "$SH"                                         # revoke: 204, also when it ended already
expect 200
curl -X DELETE $BASE/v1/users/user-42/sessions -H "$SH"                   # revoke all of a user's: {"revoked": n}

# --- Rate limits
expect 201
LIMITS_KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-limits", "projects": ["shop"], "scopes": ["rate-limits"]}' | jq -r .key)
RH="Authorization: Bearer $LIMITS_KEY"; A="Authorization: Bearer $ADMIN"; R=$BASE/v1/projects/shop/rate-limits
expect 201
curl -X PUT $BASE/v1/rate-limit-policies/login -H "$A" -H "$J" \
  -d '{"limits": [{"requests": 5, "windowSeconds": 60}, {"requests": 20, "windowSeconds": 3600}], "burst": 2, "failMode": "closed"}'
expect 200
curl "$BASE/v1/rate-limit-policies?limit=100" -H "$RH"   # stored ones, and configured ones (default, api), paged
expect 200
curl $BASE/v1/rate-limit-policies/login -H "$RH"
expect 200
curl -i -X POST $R/check -H "$RH" -H "$J" -d '{"policy": "login", "scope": "ip", "identifier": "203.0.113.9", "cost": 1}'
expect 200
curl $R/login/ip/203.0.113.9 -H "$RH"              # state, counting nothing
expect 204
curl -i -X DELETE $R/login/ip/203.0.113.9 -H "$RH"    # reset: 204
expect 204
curl -i -X DELETE $BASE/v1/rate-limit-policies/login -H "$A"   # 204, also when absent
expect 409
curl -i -X DELETE $BASE/v1/rate-limit-policies/default -H "$A"   # 409: it comes from configuration

# --- Progress
expect 201
PROGRESS_KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-importer", "projects": ["shop"], "scopes": ["progress"]}' | jq -r .key)
P="Authorization: Bearer $PROGRESS_KEY"; G=$BASE/v1/projects/shop/progress
expect 201
curl -X POST $G -H "$P" -H "$J" -d '{"correlationId": "import-42", "totalSteps": 120, "message": "reading the file"}'
expect 201
curl -X POST $G/import-42/tickets -H "$P"
expect 200
curl -X POST $G/import-42/steps -H "$P" -H "$J" -d '{"message": "rows 1-1000", "increment": 1}'
expect 200
curl -X POST $G/import-42/complete -H "$P" -H "$J" -d '{"message": "imported"}'
expect 409
curl -X POST $G/import-42/fail -H "$P" -H "$J" -d '{"error": "not UTF-8"}'   # 409: it ended
expect 200
curl $G/import-42 -H "$P"
expect 200
curl "$G?status=COMPLETED&limit=100" -H "$P"
expect 200
curl -N $G/import-42/events -H "$P"
expect 200
curl -N $G/import-42/events -H "$P" -H 'Last-Event-ID: 1'
expect 200
curl -N "$G/import-42/events?lastEventId=1" -H "$P"
expect 204
curl -N -i $G/import-42/events -H "$P" -H 'Last-Event-ID: 3'

# --- Tasks
expect 201
WORKER_KEY=$(curl -s -X POST $BASE/v1/admin/api-keys -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"name": "shop-mailer", "projects": ["shop"], "scopes": ["tasks"]}' | jq -r .key)
T="Authorization: Bearer $WORKER_KEY"; Q=$BASE/v1/projects/shop/queues/emails
expect 201
curl -X POST $Q/tasks -H "$T" -H "$J" \
  -d '{"payload": {"to": "ada@example.com"}, "priority": 5, "idempotencyKey": "welcome-ada", "progress": {"totalSteps": 2}}'
expect 200   # the same idempotencyKey: the task it made first
curl -X POST $Q/tasks -H "$T" -H "$J" \
  -d '{"payload": {"to": "ada@example.com"}, "priority": 5, "idempotencyKey": "welcome-ada", "progress": {"totalSteps": 2}}'
expect 201
curl -X POST $Q/tasks -H "$T" -H "$J" -d '{"payload": {"digest": "weekly"}, "delaySeconds": 3600}'
expect 200
CLAIM=$(curl -s -X POST $Q/claims -H "$T" -H "$J" -d '{"max": 1, "waitSeconds": 5}')
ID=$(echo "$CLAIM" | jq -r '.tasks[0].id'); LEASE=$(echo "$CLAIM" | jq -r '.tasks[0].leaseToken')
expect 200
curl -X POST $Q/tasks/$ID/heartbeat -H "$T" -H "$J" \
  -d "{\"leaseToken\": \"$LEASE\", \"extendSeconds\": 60, \"progress\": {\"message\": \"rendered\"}}"
expect 200
curl -X POST $Q/tasks/$ID/complete -H "$T" -H "$J" -d "{\"leaseToken\": \"$LEASE\", \"result\": {\"sent\": true}}"
expect 201
curl -X POST $Q/tasks/batch -H "$T" -H "$J" -d '{"tasks": [{"payload": 1}, {"payload": 2, "priority": -1}]}'
expect 200
CLAIM=$(curl -s -X POST $Q/claims -H "$T" -H "$J" -d '{"max": 1, "waitSeconds": 5}')
ID2=$(echo "$CLAIM" | jq -r '.tasks[0].id'); LEASE2=$(echo "$CLAIM" | jq -r '.tasks[0].leaseToken')
expect 200
curl -X POST $Q/tasks/$ID2/fail -H "$T" -H "$J" -d "{\"leaseToken\": \"$LEASE2\", \"error\": \"SMTP 451\", \"retryable\": false}"
expect 200
curl $Q/tasks/$ID -H "$T"
expect 200
curl "$Q/tasks?state=SUCCEEDED&limit=100" -H "$T"
expect 200
curl $Q -H "$T"     # {"counts": {"QUEUED": …}, "oldestQueuedAgeSeconds": …, "settings": {…}}
expect 201
CID=$(curl -s -X POST $Q/tasks -H "$T" -H "$J" -d '{"payload": "never mind"}' | jq -r .id)
expect 200
curl -X POST $Q/tasks/$CID/cancel -H "$T"
expect 200
curl "$Q/dead?limit=100" -H "$T"
expect 200
curl -X POST $Q/dead/redrive -H "$T" -H "$J" -d "{\"ids\": [\"$ID2\"]}"
expect 200
curl -X POST $Q/claims -H "$T" -H "$J" -d '{"max": 10, "waitSeconds": 1, "leaseSeconds": 60}'
expect 200
curl -X POST $BASE/v1/queues/emails/claims -H "$T" -H "$J" -d '{"max": 10, "waitSeconds": 1}'
expect 200
curl -X PUT $Q -H "Authorization: Bearer $ADMIN" -H "$J" \
  -d '{"maxAttempts": 8, "backoffMinSeconds": 2, "backoffMaxSeconds": 600, "defaultLeaseSeconds": 120, "maxQueued": 50000}'

# --- API keys
A="Authorization: Bearer $ADMIN"
expect 201
curl -X POST $BASE/v1/admin/api-keys -H "$A" -H "$J" \
  -d '{"name": "billing-backend", "projects": ["billing"], "scopes": ["cache:read", "cache:write"]}'   # 201, secret shown once
expect 201
curl -X POST $BASE/v1/admin/api-keys -H "$A" -H "$J" \
  -d '{"name": "contractor", "projects": ["shop"], "scopes": ["cache:read"], "expiresAt": "2030-01-31T00:00:00Z"}'
expect 200
curl "$BASE/v1/admin/api-keys?limit=100" -H "$A"                                             # paged, never secrets
expect 200
curl $BASE/v1/admin/api-keys/billing-backend -H "$A"                                         # one key; 404 if none
expect 204
curl -i -X DELETE $BASE/v1/admin/api-keys/billing-backend -H "$A"                            # 204, effective at once
expect 204
curl -i -X DELETE $BASE/v1/admin/api-keys/billing-backend -H "$A"                            # 204: absent, as asked

# --- Health report
expect 200
curl -s $BASE/v1/admin/health -H "Authorization: Bearer $ADMIN"

# --- Projects
expect 200
curl -s $BASE/v1/admin/projects -H "Authorization: Bearer $ADMIN"

# --- Export
expect 200
curl -s $BASE/v1/admin/projects/shop/export -H "Authorization: Bearer $ADMIN"

# --- Import
# the export kept in a file, as the README suggests (the README's line above printed it)
command curl -s $BASE/v1/admin/projects/shop/export -H "Authorization: Bearer $ADMIN" > "${TMPDIR:-/tmp}/shop.jsonl"
cd "${TMPDIR:-/tmp}"
expect 200
curl -s -X POST "$BASE/v1/admin/projects/shop/import?dryRun=true" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/jsonl' --data-binary @shop.jsonl
cd - >/dev/null

# --- Credentials
cd "${TMPDIR:-/tmp}"
expect 200
curl -s $BASE/v1/admin/credentials/export -H "Authorization: Bearer $ADMIN" > credentials.jsonl
expect 200
curl -s -X POST "$BASE/v1/admin/credentials/import?includeCredentials=true&dryRun=true" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/jsonl' --data-binary @credentials.jsonl
rm -f credentials.jsonl
cd - >/dev/null

# --- Browsers
expect 403
curl -i -X OPTIONS $BASE/v1/projects/shop/progress/import-42/events \
  -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: GET'

# --- The command line (the jar, built; run from the repository's root, where the README's function finds it)
cache-domain() { java -jar target/quarkus-app/quarkus-run.jar "$@"; }
export CACHE_DOMAIN_URL=http://$BASE CACHE_DOMAIN_ADMIN_KEY=$ADMIN
cache-domain status
cache-domain projects list
cache-domain export shop -o shop.jsonl
cache-domain import shop -i shop.jsonl --dry-run
rm -f shop.jsonl

echo
echo "quickstart: every example answered as the README says"
