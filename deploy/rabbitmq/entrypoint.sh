#!/usr/bin/env bash
# The broker container's entrypoint in docker-compose.yml: starts RabbitMQ as the image does,
# then, once the node answers, makes or updates the services' users (provision-users.sh) and
# marks the broker ready for its health check. A failed provisioning stops the container.
set -euo pipefail

# docker-compose.yml's required-settings check runs first; this holds when the broker is started
# alone (--no-deps) without the administrator's password.
if [[ -z "${RABBITMQ_DEFAULT_PASS:-}" ]]; then
  echo 'set RABBITMQ_ADMIN_PASSWORD (see the top of docker-compose.yml)' >&2
  exit 1
fi

ready=/tmp/appointments-users-provisioned
rm -f "$ready"

docker-entrypoint.sh rabbitmq-server &
server=$!
# docker stop: the server shuts down cleanly.
trap 'kill -TERM "$server" 2>/dev/null || true' TERM INT

until rabbitmq-diagnostics --quiet check_running >/dev/null 2>&1; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server"
    exit $?
  fi
  sleep 2
done

if ! /deploy/rabbitmq/provision-users.sh; then
  kill -TERM "$server"
  wait "$server" || true
  exit 1
fi
touch "$ready"

wait "$server" || true # returns early when the trap runs
wait "$server"
