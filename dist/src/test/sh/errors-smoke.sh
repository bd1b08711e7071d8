#!/usr/bin/env bash
#
# One line per error, through the real launcher (bin/corral): the mistakes a newcomer makes end
# with at most two lines on stderr, no stack trace, the reason and what to do, and exit 2 for bad
# input or 1 for a failure at run time. Ports in use (master and agent, gRPC and HTTP), bad values,
# unknown commands and options, unreachable masters (a name that does not resolve: gRPC's own
# warning stays off stderr), a zk:// master whose ZooKeeper is down (the real time waited, and what
# to check), bad files; and with `corral --verbose` the stack trace is there.
# The cases that wait (ZooKeeper down: 15 s each) run in parallel with the others. Then bin/storm's
# and bin/spark-submit's own errors.
# Usage: errors-smoke.sh <unpacked distribution dir>
set -euo pipefail

dist="$(cd "$1" && pwd)"
corral="$dist/bin/corral"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fail() {
  echo "errors-smoke: FAILED: $*" >&2
  exit 1
}

# start <name> <command...>: runs `corral <command...>` in the background (with the variables of
# start_env), at most four at a time; stdout, stderr and the exit code go to $work/<name>.{out,err,rc}.
cases=()
start_env=()
start() {
  local name=$1
  shift
  start_program "$name" "$corral" "$@"
}

# start_program <name> <program> <args...>: as start, for the distribution's other launchers
# (bin/storm, bin/spark-submit).
start_program() {
  local name=$1 program=$2
  shift 2
  while (($(jobs -rp | wc -l) > 4)); do
    wait -n || true
  done
  (
    rc=0
    env "${start_env[@]}" timeout 120 "$program" "$@" > "$work/$name.out" 2> "$work/$name.err" < /dev/null || rc=$?
    echo "$rc" > "$work/$name.rc"
  ) &
  cases+=("$!")
}

# expect <name> <exit code> <extended regex>: the case ended with that code, and its stderr is at
# most two lines, without a stack trace, the last one matching the pattern.
expect() {
  local name=$1 code=$2 pattern=$3
  [ -f "$work/$name.rc" ] || fail "$name did not end"
  local rc err
  rc="$(cat "$work/$name.rc")"
  err="$(cat "$work/$name.err")"
  [ "$rc" = "$code" ] || fail "$name exited $rc, not $code; stderr: $err"
  [ "$(wc -l < "$work/$name.err")" -le 2 ] || fail "$name printed more than two lines on stderr: $err"
  ! grep -qE '^\s+at |^Caused by|Exception' "$work/$name.err" || fail "$name printed a stack trace: $err"
  tail -n 1 "$work/$name.err" | grep -qE "$pattern" || fail "$name did not say /$pattern/: $err"
  echo "errors-smoke: $name: $(tail -n 1 "$work/$name.err")"
}

# The cases that wait on a ZooKeeper that is down (nothing listens on port 1).
start zk-status status --master zk://127.0.0.1:1/corral
start zk-master master --zk zk://127.0.0.1:1/corral --port 0 --http-port 0 --work-dir "$work/zk-master"

# A master whose ports the cases below find taken.
"$corral" master --port 0 --http-port 0 --work-dir "$work/master" > "$work/master.out" 2> "$work/master.err" &
master_pid=$!
pids+=("$master_pid")
await_line "$work/master.out" '^http: http://' 90 "$master_pid" || fail "the master did not start: $(cat "$work/master.err")"
master="$(sed -n 's/^master: //p' "$work/master.out")"
port="${master##*:}"
http_port="$(sed -nE 's|^http: http://[^/]+:([0-9]+)/$|\1|p' "$work/master.out")"

start master-port master --port "$port" --work-dir "$work/m1"
# Quotas and weights: refused by the CLI itself, or by the master (400), each a line and exit 2.
start quota-role quota set eng//etl --limit cpus:1 --master "$master"
start quota-spec quota set eng --limit cpus:many --master "$master"
start quota-over quota set eng --guarantee cpus:2 --limit cpus:1 --master "$master"
start quota-capacity quota set eng --guarantee cpus:1 --master "$master"
start weights-bad weights set eng=0 --master "$master"
start master-http master --port 0 --http-port "$http_port" --work-dir "$work/m2"
start agent-port agent --master "$master" --port "$port" --http-port -1 --work-dir "$work/a1"
start agent-http agent --master "$master" --port 0 --http-port "$http_port" --work-dir "$work/a2"
start resources agent --master "$master" --resources 'cpus:abc'
start unknown-command nosuch
start missing-option agent --port 0
start bad-number master --port fifty
start no-such-host status --master nosuchhost.invalid:5050
start nothing-there tasks --master 127.0.0.1:1
start tls-dir master --port 0 --security --tls-dir "$work/no-tls"
start zk-secret master --port 0 --zk zk://127.0.0.1:1/corral --zk-secret-file "$work/no-secret"
start verbose --verbose agent --master "$master" --port "$port" --http-port -1 --work-dir "$work/a3"
# With a conf dir of its own: the TLS files of corral certs init, an ACL file; a credentials file
# that is not there, an ACL file that is not JSON.
mkdir -p "$work/conf"
CORRAL_CONF_DIR="$work/conf" "$corral" certs init --host 127.0.0.1 > /dev/null 2>&1 || fail "certs init failed"
printf '{}\n' > "$work/conf/acls.json"
printf 'not json\n' > "$work/bad-acls.json"
start_env=(CORRAL_CONF_DIR="$work/conf")
start credentials master --port 0 --security --credentials "$work/no-credentials"
start acls master --port 0 --security --acls "$work/bad-acls.json"
# A conf dir that is not there, and a corral.properties that is not a properties file.
start_env=(CORRAL_CONF_DIR="$work/no-conf")
start no-conf status --master "$master"
mkdir -p "$work/bad-conf"
printf 'status.json=\\u00zz\n' > "$work/bad-conf/corral.properties"
start_env=(CORRAL_CONF_DIR="$work/bad-conf")
start bad-properties status --master "$master"
start_env=()
# The Storm and Spark launchers: what is not in the distribution, bad usage, a Spark home that is not one.
start_program storm-list "$dist/bin/storm" list
start_program storm-usage "$dist/bin/storm"
start_program storm-jar "$dist/bin/storm" jar topology.jar
start_program storm-option "$dist/bin/storm" jar topology.jar org.example.Main -c nimbus.seeds
start_env=(SPARK_HOME="$work/no-spark")
start_program spark-home "$dist/bin/spark-submit" --version
start_env=()
wait "${cases[@]}"

expect storm-list 2 "^storm: 'list' is not in this distribution \(its Storm has no storm-core\): run it with a stock Storm 2\.8 installation's bin/storm .*; the Nimbus is 'corral storm nimbus'$"
expect storm-usage 2 "^storm: no command \(usage: storm jar <topology\.jar> <main class> .*\)$"
expect storm-jar 2 "^storm: jar needs a topology jar and a main class \(usage: .*\)$"
expect storm-option 2 "^storm: -c nimbus\.seeds: expected KEY=VALUE \(usage: .*\)$"
expect spark-home 1 "^corral: SPARK_HOME=$work/no-spark has no jars/ directory: not a Spark installation$"
# Their working paths (bin/storm jar and bin/spark-submit submitting to a cluster) are the multi-host
# walk-through's (integration-tests/netns WalkThroughIT).
[ "$("$dist/bin/storm" version 2>&1 | head -n 1)" = "Storm 2.8.3" ] || fail "bin/storm version: $("$dist/bin/storm" version 2>&1)"
"$dist/bin/spark-submit" --version 2>&1 | grep -q 'version 4\.0\.2' || fail "bin/spark-submit --version: no Spark 4.0.2"

expect master-port 1 "^corral master: cannot listen on 0\.0\.0\.0:$port: the port is already in use \(another process listens there: stop it, or choose another port\)$"
expect master-http 1 "^corral master: HTTP API: cannot listen on 0\.0\.0\.0:$http_port: the port is already in use \(.*choose another port\)$"
expect agent-port 1 "^corral agent: cannot listen on 0\.0\.0\.0:$port: the port is already in use \(.*choose another port\)$"
expect agent-http 1 "^corral agent: HTTP API: cannot listen on 0\.0\.0\.0:$http_port: the port is already in use \(.*\)$"
expect resources 2 "^corral agent: Invalid value for option '--resources': 'abc' is not a number for 'cpus' \(e\.g\. .*\) \(see 'corral agent --help'\)$"
expect unknown-command 2 "^corral: 'nosuch' is not a command of corral \(see 'corral --help'\)$"
expect missing-option 2 "^corral agent: Missing required option: '--master=<master>' \(see 'corral agent --help'\)$"
expect bad-number 2 "^corral master: Invalid value for option '--port': 'fifty' is not an int \(see 'corral master --help'\)$"
expect no-such-host 1 "^corral status: cannot reach the master at nosuchhost\.invalid:5050: UNAVAILABLE \(Unable to resolve host nosuchhost\.invalid\); is it running, and is the address right\?$"
expect nothing-there 1 "^corral tasks: cannot reach the master at 127\.0\.0\.1:1: UNAVAILABLE .*; is it running, and is the address right\?$"
expect tls-dir 2 "^corral master: CA certificate $work/no-tls/ca\.pem does not exist or cannot be read \(make one with: corral certs init\)$"
expect quota-role 2 "^corral quota set: role 'eng//etl' contains '//'$"
expect quota-spec 2 "^corral quota set: --limit 'cpus:many': 'many' is not a number for 'cpus'$"
expect quota-over 2 "^corral quota set: the guarantee of role 'eng' is above its limit in cpus$"
expect quota-capacity 2 "^corral quota set: the guarantees would sum to cpus:1, beyond the cluster's capacity .* in cpus \\(to set it anyway: --force, or \\?force=true in the API\\)$"
expect weights-bad 2 "^corral weights set: the weight of role 'eng' must be above 0 and at most 1000000: 0\\.0$"
"$corral" roles --json --master "$master" > "$work/roles.out" 2>&1 || fail "roles exited $?: $(cat "$work/roles.out")"
! grep -q '"eng"' "$work/roles.out" || fail "a refused quota or weight changed something: $(cat "$work/roles.out")"
expect zk-secret 2 "^corral master: .*$work/no-secret does not exist"
expect credentials 2 "^corral master: .*$work/no-credentials"
expect acls 2 "^corral master: .*$work/bad-acls\.json"
expect no-conf 2 "^corral: CORRAL_CONF_DIR=$work/no-conf is not a directory \\(unset it, or point it at a copy of conf/\\)$"
expect bad-properties 2 "^corral: .*$work/bad-conf/corral\\.properties: malformed: "
expect zk-status 1 "^corral status: cannot reach ZooKeeper at 127\.0\.0\.1:1 \(waited [1-9][0-9]\.[0-9] s\): is ZooKeeper running there, and is zk://127\.0\.0\.1:1/corral the right address\?$"
expect zk-master 1 "^corral master: could not join the leader election at zk://127\.0\.0\.1:1/corral: cannot reach ZooKeeper at 127\.0\.0\.1:1 \(waited 15 s\): is ZooKeeper running there, and is zk://127\.0\.0\.1:1/corral the right address\?$"
# The daemons' log files keep what stderr leaves out: the trace, and ZooKeeper's own attempts.
grep -q 'ClientCnxn' "$dist"/logs/corral-master-0-*.log || fail "the master's log file lacks ZooKeeper's lines"
grep -qE '^\s+at ' "$dist"/logs/corral-master-0-*.log || fail "the master's log file lacks the stack trace"
# With corral --verbose, the trace is on stderr too, after the line.
[ "$(cat "$work/verbose.rc")" = 1 ] || fail "--verbose changed the exit code"
grep -qE '^\s+at io\.corral\.' "$work/verbose.err" || fail "corral --verbose printed no stack trace: $(cat "$work/verbose.err")"
grep -qE "^corral agent: cannot listen on 0\.0\.0\.0:$port: the port is already in use" "$work/verbose.err" \
  || fail "corral --verbose lost the line: $(cat "$work/verbose.err")"
echo "errors-smoke: ok"
