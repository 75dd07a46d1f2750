#!/usr/bin/env bash
# One RabbitMQ user per service, each allowed only its own exchanges and queues, in a vhost of
# the platform's own (see deploy/README.md, "RabbitMQ users"). Runs rabbitmqctl, so it runs
# where rabbitmqctl reaches the node: inside the broker's container (docker-compose.yml runs it
# through deploy/rabbitmq/entrypoint.sh at every start), or on the broker's host.
#
#   GATEWAY_AMQP_PASSWORD=… SCHEDULING_AMQP_PASSWORD=… DISPATCH_AMQP_PASSWORD=… \
#   INBOUND_AMQP_PASSWORD=… REMINDERS_AMQP_PASSWORD=… deploy/rabbitmq/provision-users.sh
#
# AMQP_VHOST (default appointments), AMQP_NAMESPACE (default empty: the services' own
# AMQP_NAMESPACE) and AMQP_USER_PREFIX (default appointments-) may be set. Safe to run again:
# existing users get the password and permissions given.
set -euo pipefail

vhost="${AMQP_VHOST:-appointments}"
namespace="${AMQP_NAMESPACE:-}"
user_prefix="${AMQP_USER_PREFIX:-appointments-}"
ctl=(rabbitmqctl --quiet)

if [[ ! "$namespace" =~ ^[A-Za-z0-9_.-]*$ ]]; then
  echo "AMQP_NAMESPACE may only hold letters, digits, dot, dash and underscore" >&2
  exit 64
fi
# The namespace as a regular expression: its dots are literal.
ns="${namespace//./\\.}"

# Every service declares the domain-events exchange and its alternate exchange and queue
# (libs/messaging/src/topology.ts), and may publish to its own queues through the default
# exchange (retries, dead letters, RPC replies and requests).
exchange="${ns}domain-events"
unrouted="${ns}domain-events\\.unrouted"

# Every password first, so that nothing is changed when one is missing.
for password_variable in GATEWAY_AMQP_PASSWORD SCHEDULING_AMQP_PASSWORD DISPATCH_AMQP_PASSWORD INBOUND_AMQP_PASSWORD REMINDERS_AMQP_PASSWORD; do
  if [[ $(printf '%s' "${!password_variable:-}" | wc -c) -lt 16 ]]; then
    # Names the variable, never its value.
    echo "$password_variable must be set to a password of 16 characters or more" >&2
    exit 64
  fi
done

vhosts="$("${ctl[@]}" list_vhosts --no-table-headers name)"
if ! grep -qxF "$vhost" <<<"$vhosts"; then
  "${ctl[@]}" add_vhost "$vhost"
fi

users="$("${ctl[@]}" list_users --no-table-headers | cut -f1)"

provision() {
  local service="$1" password_variable="$2" publishes_events="$3" extra="${4:-}"
  local password="${!password_variable}"
  local user="${user_prefix}${service}"
  # Its queues (libs/messaging/src/naming.ts): <ns><service>.events, .events.retry.<n>,
  # .events.dead-letter and .rpc.
  local own="${ns}${service}\\.(events(\\.retry\\.[0-9]+|\\.dead-letter)?|rpc)"
  local configure="^(${exchange}|${unrouted}|${own}${extra:+|$extra})\$"
  local write="^(${unrouted}|${own}|amq\\.default${extra:+|$extra})\$"
  [[ "$publishes_events" == yes ]] && write="^(${exchange}|${unrouted}|${own}|amq\\.default${extra:+|$extra})\$"
  local read="^(${exchange}|${unrouted}|${own}${extra:+|$extra})\$"

  if grep -qxF "$user" <<<"$users"; then
    # The password on standard input, never on a command line (ps shows those).
    printf '%s' "$password" | "${ctl[@]}" change_password "$user" >/dev/null
  else
    printf '%s' "$password" | "${ctl[@]}" add_user "$user" >/dev/null
  fi
  "${ctl[@]}" set_user_tags "$user" # no tags: no management UI, no HTTP API
  "${ctl[@]}" set_permissions -p "$vhost" "$user" "$configure" "$write" "$read"
  echo "$user: configure $configure write $write read $read"
}

# service               password variable        publishes domain events  more
provision gateway       GATEWAY_AMQP_PASSWORD    no  'amq\.gen-[A-Za-z0-9_-]+' # the landing pages' feed: a server-named queue
provision scheduling    SCHEDULING_AMQP_PASSWORD yes
provision notification-dispatch DISPATCH_AMQP_PASSWORD yes
provision inbound-response INBOUND_AMQP_PASSWORD  yes
provision reminder-scheduler REMINDERS_AMQP_PASSWORD yes
