#!/usr/bin/env bash
#
# Smoke test of the HA walkthrough in README.md: the throwaway ZooKeeper started from the
# distribution's own lib/ serves, and `bin/corral master --zk` is elected leader through it.
# Usage: zookeeper-smoke.sh <unpacked distribution dir>
set -euo pipefail

dist="$(cd "$1" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Wait until a file has a line matching a pattern, or fail after a deadline (seconds).
await_line() {
  local file=$1 pattern=$2 deadline=$((SECONDS + $3)) pid=$4
  until grep -qE "$pattern" "$file" 2>/dev/null; do
    if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2 # polling a log file, with a deadline
  done
}

# Wait until something accepts connections on a local port, or fail after a deadline (seconds).
await_port() {
  local port=$1 deadline=$((SECONDS + $2)) pid=$3
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2 # polling the port, with a deadline
  done
}

# A random port; if ZooKeeper cannot bind it (taken), try another.
zk_pid=""
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  java -cp "$dist/lib/*" org.apache.zookeeper.server.ZooKeeperServerMain "$port" "$work/zk-$attempt" \
    >"$work/zk-$attempt.log" 2>&1 &
  zk_pid=$!
  pids+=("$zk_pid")
  if await_port "$port" 60 "$zk_pid"; then
    break
  fi
  echo "ZooKeeper did not start on port $port (attempt $attempt):" >&2
  tail -n 20 "$work/zk-$attempt.log" >&2
  kill -9 "$zk_pid" 2>/dev/null || true
  zk_pid=""
done
if [ -z "$zk_pid" ]; then
  echo "FAILED: java -cp 'lib/*' org.apache.zookeeper.server.ZooKeeperServerMain does not start" >&2
  exit 1
fi

"$dist/bin/corral" master --zk "zk://127.0.0.1:$port/smoke" --port 0 --work-dir "$work/master" \
  >"$work/master.log" 2>&1 &
master_pid=$!
pids+=("$master_pid")
if ! await_line "$work/master.log" '^master: \S+ \(leader\)' 90 "$master_pid"; then
  echo "FAILED: a master on the throwaway ZooKeeper was not elected leader:" >&2
  tail -n 40 "$work/master.log" >&2
  exit 1
fi
echo "zookeeper-smoke: ZooKeeper from lib/ on port $port; $(grep -E '^master:' "$work/master.log")"
