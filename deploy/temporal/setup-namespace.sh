#!/bin/sh
# The Temporal namespace TalentSync uses and the search attributes its workflows upsert
# (temporalio/admin-tools image). Idempotent. Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE.
# Keep the list in step with devstack/services.py TEMPORAL_SEARCH_ATTRIBUTES (a test checks it).
set -eu
address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_RETENTION:-168h}"  # closed sessions' histories stay inspectable for a week
health_tries="${TEMPORAL_HEALTH_TRIES:-60}"  # 5 s apart

tries=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge "$health_tries" ]; then
    echo "Temporal at $address is not healthy after $tries tries" >&2
    exit 1
  fi
  sleep 5
done

if ! temporal operator namespace describe --address "$address" -n "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --address "$address" -n "$namespace" --retention "$retention"
  echo "created namespace $namespace"
fi

ensure_attribute() {  # name type
  # A new namespace can take a few seconds to be usable everywhere: retry, then fail loudly.
  tries=0
  until temporal operator search-attribute list --address "$address" -n "$namespace" | grep -qw "$1"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 12 ]; then
      echo "could not register search attribute $1" >&2
      exit 1
    fi
    temporal operator search-attribute create --address "$address" -n "$namespace" --name "$1" --type "$2" || sleep 5
  done
  echo "search attribute $1 ($2) is registered"
}

ensure_attribute InterviewStatus Keyword
