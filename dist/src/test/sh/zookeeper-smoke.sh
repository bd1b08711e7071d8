#!/usr/bin/env bash
#
# Smoke test of the HA walkthrough in README.md: the throwaway ZooKeeper started from the
# distribution's own lib/ serves, and `bin/corral master --zk` is elected leader through it.
# Then the Storm bridge's interface: `bin/corral storm nimbus --master ... --zk ...` (the
# distribution's bridges/storm/) prints `nimbus: <host>:<port>` once it serves Thrift. Last,
# ZooKeeper goes away and the master ends with one line (exit 3).
# Usage: zookeeper-smoke.sh <unpacked distribution dir>
set -euo pipefail

dist="$(cd "$1" && pwd)"
work="$(mktemp -d)"
pids=()
groups=()
cleanup() {
  for pgid in "${groups[@]}"; do
    kill -9 -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# True when the server on a local port answers ZooKeeper's `srvr` command as a serving ZooKeeper,
# i.e. the port is held by our ZooKeeper and not by some other process that listened there already.
is_zookeeper() {
  local port=$1 reply
  reply=$(exec 2>/dev/null && exec 3<>"/dev/tcp/127.0.0.1/$port" && printf srvr >&3 && timeout 10 cat <&3) || return 1
  [[ "$reply" == *"Mode: standalone"* ]]
}

# Wait until our ZooKeeper serves on a local port, or fail after a deadline (seconds).
await_zookeeper() {
  local port=$1 deadline=$((SECONDS + $2)) pid=$3
  until is_zookeeper "$port" && kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2 # polling the port, with a deadline
  done
}

# A random port; if ZooKeeper cannot bind it (taken), try another. The admin server is off so a
# busy port 8080 on the build machine cannot stop it.
zk_pid=""
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  java -Dzookeeper.admin.enableServer=false -cp "$dist/lib/*" org.apache.zookeeper.server.ZooKeeperServerMain "$port" "$work/zk-$attempt" \
    >"$work/zk-$attempt.log" 2>&1 &
  zk_pid=$!
  pids+=("$zk_pid")
  if await_zookeeper "$port" 60 "$zk_pid"; then
    break
  fi
  echo "ZooKeeper did not start on port $port (attempt $attempt):" >&2
  tail -n 20 "$work/zk-$attempt.log" >&2
  kill -9 "$zk_pid" 2>/dev/null || true
  wait "$zk_pid" 2>/dev/null || true
  zk_pid=""
done
if [ -z "$zk_pid" ]; then
  echo "FAILED: java -cp 'lib/*' org.apache.zookeeper.server.ZooKeeperServerMain does not start" >&2
  exit 1
fi

# The masters' ZooKeeper identity comes from a file; a missing one is one line and exit 2.
set +e
"$dist/bin/corral" master --zk "zk://127.0.0.1:$port/smoke" --port 0 --work-dir "$work/master-bad" \
  --zk-secret-file "$work/no-such-zk-secret" >"$work/master-bad.log" 2>&1
code=$?
set -e
if [ "$code" != 2 ] || ! grep -q "secret file $work/no-such-zk-secret does not exist" "$work/master-bad.log"; then
  echo "FAILED: a master with a missing --zk-secret-file should exit 2 naming it (exit $code):" >&2
  cat "$work/master-bad.log" >&2
  exit 1
fi
(umask 077 && printf 'corral-masters:smoke-%s\n' "$RANDOM$RANDOM" >"$work/zk-secret")

# An authenticated master: its znodes are its own; the Nimbus below finds it without ZooKeeper credentials.
"$dist/bin/corral" master --zk "zk://127.0.0.1:$port/smoke" --port 0 --work-dir "$work/master" \
  --zk-secret-file "$work/zk-secret" >"$work/master.log" 2>&1 &
master_pid=$!
pids+=("$master_pid")
if ! await_line "$work/master.log" '^master: \S+ \(leader\)' 90 "$master_pid"; then
  echo "FAILED: a master on the throwaway ZooKeeper was not elected leader:" >&2
  tail -n 40 "$work/master.log" >&2
  echo "ZooKeeper's log (port $port):" >&2
  tail -n 40 "$work/zk-$attempt.log" >&2
  exit 1
fi
echo "zookeeper-smoke: ZooKeeper from lib/ on port $port; $(grep -E '^master:' "$work/master.log")"

# The Corral-backed Nimbus (a JVM of its own under the CLI: both in one process group, killed together).
# A random port below the kernel's ephemeral range (32768-60999 here), where outgoing connections
# cannot take it between the choice and the bind; if it is taken anyway, try another.
for attempt in 1 2 3; do
  nimbus_port=$((20000 + RANDOM % 12000))
  if ((nimbus_port == port)); then
    nimbus_port=$((nimbus_port + 1)) # not ZooKeeper's
  fi
  setsid "$dist/bin/corral" storm nimbus --master "zk://127.0.0.1:$port/smoke" --zk "127.0.0.1:$port/storm" \
    --nimbus-port "$nimbus_port" --host 127.0.0.1 --work-dir "$work/nimbus-$attempt" --heap 256m \
    >"$work/nimbus.log" 2>&1 &
  nimbus_pid=$!
  groups+=("$nimbus_pid")
  if await_line "$work/nimbus.log" "^nimbus: 127\.0\.0\.1:$nimbus_port\$" 120 "$nimbus_pid"; then
    break
  fi
  if grep -q "$nimbus_port is not available" "$work/nimbus.log" && ((attempt < 3)); then
    echo "zookeeper-smoke: port $nimbus_port was taken; trying another" >&2
    continue
  fi
  echo "FAILED: bin/corral storm nimbus did not print 'nimbus: 127.0.0.1:$nimbus_port':" >&2
  tail -n 60 "$work/nimbus.log" >&2
  exit 1
done
echo "zookeeper-smoke: $(grep -E '^nimbus:' "$work/nimbus.log") (corral storm nimbus)"

# A daemon that fails after start-up ends with one line on stderr, its log file holding the
# details: ZooKeeper goes away, and the leading master exits 3 once its session is lost, saying so,
# without ZooKeeper's reconnection attempts or a stack trace on its stderr.
before=$(wc -l < "$work/master.log")
kill -9 "$zk_pid"
wait "$zk_pid" 2>/dev/null || true
for _ in $(seq 450); do
  kill -0 "$master_pid" 2>/dev/null || break
  sleep 0.2 # waiting for the master to end, with a deadline
done
if kill -0 "$master_pid" 2>/dev/null; then
  echo "FAILED: the master still runs 90 s after ZooKeeper went away:" >&2
  tail -n +"$((before + 1))" "$work/master.log" >&2
  exit 1
fi
code=0
wait "$master_pid" || code=$?
after="$(tail -n +"$((before + 1))" "$work/master.log")"
if [ "$code" != 3 ] \
  || ! grep -qE "^corral master: exits with code 3: its ZooKeeper session was lost \(details in $dist/logs/corral-master-0-.*\.log\)$" <<< "$after" \
  || grep -qE '^\s+at |Exception|ClientCnxn|org\.apache\.curator' <<< "$after"; then
  echo "FAILED: the master should exit 3 with one line once its ZooKeeper session is lost (exit $code):" >&2
  echo "$after" >&2
  exit 1
fi
echo "zookeeper-smoke: $(tail -n 1 <<< "$after")"
