#!/usr/bin/env bash
#
# The distribution as a newcomer meets it: the tarball unpacked into an empty directory, run from
# another directory. `bin/corral demo` runs to completion (exit 0, with its report); then, against
# `bin/corral local`, every operator command: status, agents/frameworks/tasks (--json), logs (a bare
# id that names two tasks is "ambiguous", exit 2), task kill, agent drain/undrain, framework
# teardown, and one-line errors with non-zero exits for bad input; example shell's argument vector.
# Usage: cli-smoke.sh <corral-<version>.tar.gz>
set -euo pipefail

tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
groups=()
cleanup() {
  for pgid in "${groups[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${groups[@]}"; do
    for _ in $(seq 100); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1 # waiting for the cluster's processes to stop, with a deadline
    done
    kill -9 -- "-$pgid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "cli-smoke: FAILED: $*" >&2
  for f in "$work"/*.out "$work"/*.err; do
    [ -f "$f" ] && { echo "---- $f"; tail -40 "$f"; } >&2
  done
  exit 1
}

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# An error must be one line on stderr (no stack trace) and a non-zero exit with the given code.
expect_error() {
  local code=$1 pattern=$2
  shift 2
  local rc=0
  "$@" > "$work/err-cmd.out" 2> "$work/err-cmd.err" || rc=$?
  [ "$rc" = "$code" ] || fail "'$*' exited $rc, not $code"
  grep -qE "$pattern" "$work/err-cmd.err" || fail "'$*' did not say /$pattern/: $(cat "$work/err-cmd.err")"
  ! grep -qE '^\s+at |Exception' "$work/err-cmd.err" || fail "'$*' printed a stack trace"
}

mkdir -p "$work/unpacked" "$work/elsewhere"
tar -xzf "$tarball" -C "$work/unpacked"
corral="$(echo "$work"/unpacked/corral-*/bin/corral)"
[ -x "$corral" ] || fail "no bin/corral in $tarball"
cd "$work/elsewhere"
home="$(dirname "$(dirname "$corral")")"
for f in LICENSE NOTICE conf/corral.properties conf/logback.xml examples/README.md; do
  [ -s "$home/$f" ] || fail "the distribution has no $f"
done
[ -z "$(ls "$home"/lib/hadoop-* 2>/dev/null)" ] || fail "lib/ holds Hadoop jars (they belong in lib/hdfs/)"
if command -v javac > /dev/null; then
  javac -cp "$home/lib/*" -d "$work/example-classes" "$home"/examples/src/io/corral/examples/*/*.java \
    || fail "the example frameworks do not compile against lib/"
fi

# "A machine with only Java 17": the demo runs on a Java runtime without the JDK's tools and modules
# (jlink'ed here: no compiler, jar, jcmd, attach or debugger), with an empty environment and a PATH
# where no JDK command can be found.
demo_env=(HOME="$HOME")
if command -v jlink > /dev/null && command -v java > /dev/null; then
  modules="$(java --list-modules | sed 's/@.*//' | grep -v -E '^jdk\.(compiler|jartool|javadoc|jshell|jdeps|jlink|jpackage|jstatd|jcmd|jconsole|hotspot\.agent|jdi|jdwp\.agent|attach|internal\.(opt|ed|le|jvmstat)|editpad|random)$' | paste -sd, -)"
  jlink --add-modules "$modules" --output "$work/jre" --strip-debug --no-header-files --no-man-pages \
    > "$work/jlink.log" 2>&1 || fail "jlink failed: $(cat "$work/jlink.log")"
  mkdir "$work/path"
  for f in /usr/bin/* /bin/*; do
    b="$(basename "$f")"
    case "$b" in java|javac|jar|jps|jcmd|jstack|jshell|javadoc|jlink|jdeps|jmap|jinfo|jstat|jconsole|jdb|javap|jhsdb|jimage|jpackage|jwebserver|jstatd|jdeprscan|serialver|keytool|jarsigner|rmiregistry|jrunscript|jfr) continue ;; esac
    [ -e "$work/path/$b" ] || ln -s "$f" "$work/path/$b"
  done
  [ ! -e "$work/jre/bin/javac" ] && [ ! -e "$work/path/javac" ] || fail "the JRE-only setup still has javac"
  demo_env+=(JAVA_HOME="$work/jre" PATH="$work/jre/bin:$work/path")
  echo "cli-smoke: bin/corral demo (on a jlink'ed Java runtime without the JDK's tools)"
else
  demo_env+=(PATH="$PATH")
  echo "cli-smoke: bin/corral demo (no jlink here: on this machine's Java)"
fi
env -i "${demo_env[@]}" "$corral" demo --work-dir "$work/demo" > "$work/demo.out" 2> "$work/demo.err" \
  || fail "demo exited $?"
grep -qE '^http: http://[^ ]+:[0-9]+/$' "$work/demo.out" || fail "demo printed no http: line"
grep -qE '^  example framework: 30/30 tasks finished in [0-9.]+ s \(ok\)$' "$work/demo.out" || fail "demo report incomplete"
grep -qE '^  hadoop wordcount: 640000 words \(27 distinct\) in 4 files counted in [0-9.]+ s \(ok\)$' "$work/demo.out" \
  || fail "demo report: no Hadoop WordCount"
grep -qE '^    framework word count \([^)]+\): [0-9]+ task\(s\) \(agent' "$work/demo.out" \
  || fail "demo report: not where the Hadoop job's tasks ran"
grep -qE '^  spark wordcount: 1280000 words, 27 distinct.* \(ok\)$' "$work/demo.out" || fail "demo report: no Spark job"
grep -qE '^  storm topology: [0-9]+ sentences acked by topology corral-demo-wordcount in [0-9.]+ s \(ok\)$' \
  "$work/demo.out" || fail "demo report: no Storm topology"
grep -qE '^  result: ok$' "$work/demo.out" || fail "demo result not ok"
# It stopped cleanly: nothing it started (agents, executors, Hadoop/Spark/Storm JVMs) outlives it.
if pgrep -f -- "$work/demo" > /dev/null; then
  pgrep -af -- "$work/demo" >&2
  fail "demo left processes running"
fi

echo "cli-smoke: bin/corral local + operator commands"
setsid "$corral" local --agents 2 --port 0 --http-port 0 --work-dir "$work/local" > "$work/local.out" 2> "$work/local.err" &
local_pid=$!
groups+=("$local_pid")
await_line "$work/local.out" '^http: http://' 120 "$local_pid" || fail "local printed no http: line"
master="$(sed -n 's/^master: //p' "$work/local.out")"
ls "$(dirname "$corral")"/../logs/corral-local-*.log > /dev/null 2>&1 || fail "corral local wrote no logs/corral-local-<host>.log"
grep -q ' leads on ' "$(dirname "$corral")"/../logs/corral-local-*.log || fail "the daemon log lacks the master's lifecycle lines"
http="$(sed -n 's/^http: //p' "$work/local.out")"

"$corral" status --master "$master" > "$work/status.out" || fail "status exited $?"
grep -q "^http: $http$" "$work/status.out" || fail "status does not show the http address"
grep -q "^agents: 2 in service of 2$" "$work/status.out" || fail "status does not show 2 agents"
"$corral" agents --master "$master" --json > "$work/agents.out" || fail "agents exited $?"
[ "$(grep -cE '^  "id" : ' "$work/agents.out")" = 2 ] || fail "agents --json does not list 2 agents"
agent="$(sed -nE 's/^  "id" : "([^"]+)".*/\1/p' "$work/agents.out" | head -1)"

"$corral" example shell --master "$master" --tasks 2 -- 'echo hello from $CORRAL_TASK_ID' \
  > "$work/example-1.out" 2>&1 || fail "example run 1 exited $?"
# the second names its master as every command may, in the environment
CORRAL_MASTER="$master" "$corral" example shell --tasks 2 -- 'echo hello from $CORRAL_TASK_ID' \
  > "$work/example-2.out" 2>&1 || fail "example run 2 (CORRAL_MASTER) exited $?"
"$corral" tasks --master "$master" --json > "$work/tasks.out" || fail "tasks exited $?"
[ "$(grep -cE '"state" : "TASK_FINISHED"' "$work/tasks.out")" = 4 ] || fail "tasks --json does not show 4 finished tasks"

# After --, one argument runs with sh -c; two or more are the program and its arguments (no shell):
# `-- sh -c 'exit 3'` runs sh with them and fails as 'exit 3' does; `-- echo 'a  b'` prints 'a  b'.
# A URI that is not there fails the task, naming it. Each: the outcome on stdout, no trace on stderr.
expect_run() {
  local name=$1 code=$2 pattern=$3
  shift 3
  local rc=0
  "$corral" example shell --master "$master" --tasks 1 --verbose "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
  [ "$rc" = "$code" ] || fail "example shell $* exited $rc, not $code: $(cat "$work/$name.out")"
  grep -qE "$pattern" "$work/$name.out" || fail "example shell $* did not print /$pattern/: $(cat "$work/$name.out")"
  ! grep -qE '^\s+at |Exception' "$work/$name.err" || fail "example shell $* printed a stack trace"
}
expect_run argv-exit 1 '^failed: 1/1 task-0 FAILED command exited with status 3$' -- sh -c 'exit 3'
expect_run shell-exit 1 '^failed: 1/1 task-0 FAILED command exited with status 3$' -- 'exit 3'
expect_run argv-echo 0 '^finished: 1/1$' -- echo 'a  b'
echo_framework="$(sed -nE 's/^framework: (\S+) registered$/\1/p' "$work/argv-echo.out")"
[ "$("$corral" logs "$echo_framework/task-0" --master "$master")" = 'a  b' ] || fail "-- echo 'a  b' did not print 'a  b'"
expect_run no-uri 1 '^failed: 1/1 task-0 FAILED fetch failed: /nonexistent/in\.tgz: no such file' \
  --uri /nonexistent/in.tgz -- true
for field in id state agent_id framework_id; do
  grep -qE "^  \"$field\" : \"" "$work/tasks.out" || fail "tasks --json has no $field"
done
framework="$(sed -nE 's/^  "framework_id" : "([^"]+)".*/\1/p' "$work/tasks.out" | head -1)"
"$corral" logs "$framework/task-0" --master "$master" > "$work/logs.out" || fail "logs exited $?"
grep -qx 'hello from task-0' "$work/logs.out" || fail "logs printed $(cat "$work/logs.out")"
"$corral" logs "$framework/task-0" --master "$http" --stderr > /dev/null || fail "logs --stderr via the http URL"
expect_error 2 'ambiguous' "$corral" logs task-0 --master "$master"
expect_error 1 'no task' "$corral" logs nope --master "$master"
expect_error 1 'no task' "$corral" task kill nope/x --master "$master"
expect_error 1 'no framework|removed' "$corral" framework teardown nope --master "$master"
expect_error 1 'cannot reach the master' "$corral" tasks --master 127.0.0.1:1
expect_error 2 'bad --master' "$corral" agents --master not-an-address
expect_error 2 'Missing required parameter' "$corral" task kill --master "$master"

"$corral" agent drain "$agent" --grace 1s --master "$master" > "$work/drain.out" || fail "drain exited $?"
for _ in $(seq 150); do
  "$corral" agents --master "$master" | grep -q "^$agent .* DRAINED " && break
  sleep 0.2 # polling the master, with a deadline
done
"$corral" agents --master "$master" | grep -q "^$agent .* DRAINED " || fail "agent not DRAINED"
expect_error 1 'already' "$corral" agent drain "$agent" --master "$master"
"$corral" agent undrain "$agent" --master "$master" > /dev/null || fail "undrain exited $?"
"$corral" agents --master "$master" | grep -qE "^$agent .* ACTIVE +- " || fail "agent not back in service"

# corral services (the services framework, Marathon's API) and corral app: an app's task runs, then is removed
setsid "$corral" services --master "$master" --http-port 0 --work-dir "$work/services" \
  > "$work/services.out" 2> "$work/services.err" &
services_pid=$!
groups+=("$services_pid")
await_line "$work/services.out" '^services: http://[^ ]+:[0-9]+$' 60 "$services_pid" || fail "services printed no services: line"
services="$(sed -n 's/^services: //p' "$work/services.out")"
printf '{"id": "/smoke/sleepy", "cmd": "sleep 1000", "instances": 1, "cpus": 0.1, "mem": 32}\n' > "$work/sleepy.json"
for _ in $(seq 100); do
  "$corral" app list --services "$services" > /dev/null 2>&1 && break
  sleep 0.2 # waiting for the services framework to load its state, with a deadline
done
"$corral" app add "$work/sleepy.json" --services "$services" > "$work/app-add.out" 2> "$work/app-add.err" \
  || fail "app add exited $?: $(cat "$work/app-add.err")"
grep -q '^created /smoke/sleepy' "$work/app-add.out" || fail "app add printed: $(cat "$work/app-add.out")"
for _ in $(seq 300); do
  CORRAL_SERVICES="$services" "$corral" app list | grep -qE '^/smoke/sleepy +1/1 ' && break
  sleep 0.2 # polling the services framework, with a deadline
done
"$corral" app list --services "$services" > "$work/app-list.out" || fail "app list exited $?"
grep -qE '^/smoke/sleepy +1/1 ' "$work/app-list.out" || fail "the app's task is not running: $(cat "$work/app-list.out")"
"$corral" frameworks --master "$master" | grep -q ' services ' || fail "the master does not list the services framework"
"$corral" app remove /smoke/sleepy --services "$services" > /dev/null || fail "app remove exited $?"
for _ in $(seq 300); do
  "$corral" app list --services "$services" | grep -q '^/smoke/sleepy ' || break
  sleep 0.2 # polling the services framework, with a deadline
done
! "$corral" app list --services "$services" | grep -q '^/smoke/sleepy ' || fail "the app was not removed"
expect_error 2 'does not exist' "$corral" app remove /smoke/sleepy --services "$services"
kill -TERM -- "-$services_pid"
for _ in $(seq 100); do
  kill -0 "$services_pid" 2>/dev/null || break
  sleep 0.1 # waiting for the services framework to stop, with a deadline
done
! kill -0 "$services_pid" 2>/dev/null || fail "corral services did not stop on SIGTERM"

# corral spark submit (cluster mode) from lib/ alone: the driver runs as a task and finishes
"$corral" spark submit --master "$master" --deploy-mode cluster --spark-home "$home/bridges/spark/spark-home" \
  --driver-memory 512m --timeout 2min --conf spark.executor.instances=1 --conf spark.executor.memory=512m \
  --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
  --class io.corral.spark.examples.WordCount "$home/bridges/spark/corral-spark.jar" 2000 2 \
  > "$work/spark-submit.out" 2> "$work/spark-submit.err" || fail "spark submit exited $?: $(cat "$work/spark-submit.out" "$work/spark-submit.err")"
driver_framework="$(sed -nE 's/^submitted: driver driver of framework (\S+) on .*/\1/p' "$work/spark-submit.out")"
[ -n "$driver_framework" ] || fail "spark submit printed no submitted: line: $(cat "$work/spark-submit.out")"
for _ in $(seq 600); do
  "$corral" tasks --master "$master" --json | grep -A3 '"id" : "driver"' | grep -qE '"state" : "TASK_(FINISHED|FAILED|KILLED|LOST|ERROR)"' && break
  sleep 0.2 # polling the master, with a deadline
done
"$corral" logs "$driver_framework/driver" --master "$master" > "$work/driver.out" || fail "logs of the driver exited $?"
"$corral" tasks --master "$master" --json | grep -A3 '"id" : "driver"' | grep -q '"state" : "TASK_FINISHED"' \
  || fail "the cluster-mode driver did not finish: $(tail -5 "$work/driver.out")"

"$corral" generate-completion > "$work/completion.out" || fail "generate-completion exited $?"
grep -q 'complete -F' "$work/completion.out" || fail "no bash completion script"
for cmd in status agents frameworks tasks logs "task kill" "agent drain" "framework teardown"; do
  # shellcheck disable=SC2086
  "$corral" $cmd --help > /dev/null || fail "'corral $cmd --help' exited $?"
done

# settings: conf/corral.properties is read, and a key that names no option stops the command
mkdir -p "$work/conf"
printf 'agents.json=true\n' > "$work/conf/corral.properties"
CORRAL_CONF_DIR="$work/conf" "$corral" agents --master "$master" | grep -q '"hostname"' \
  || fail "agents.json=true in corral.properties was not applied"
CORRAL_AGENTS_JSON=false CORRAL_CONF_DIR="$work/conf" "$corral" agents --master "$master" | grep -q '^ID ' \
  || fail "CORRAL_AGENTS_JSON=false did not override corral.properties"
printf 'master=%s\n' "$master" > "$work/conf/corral.properties"
CORRAL_CONF_DIR="$work/conf" "$corral" status | grep -q "^http: $http$" || fail "master= in corral.properties was not applied"
printf 'master.offer-timeuot=1min\n' > "$work/conf/corral.properties"
CORRAL_CONF_DIR="$work/conf" expect_error 2 'unknown key master.offer-timeuot' "$corral" status --master "$master"

# security: corral certs init writes a CA and certificates into <conf dir>/tls, keys private; a
# secured master without an ACL file refuses to start, naming the file
: > "$work/conf/corral.properties"
CORRAL_CONF_DIR="$work/conf" "$corral" certs init --host "$(hostname)" --principal ops > "$work/certs.out" \
  || fail "certs init exited $?"
grep -q "^ca: $work/conf/tls/ca.pem" "$work/certs.out" || fail "certs init printed: $(cat "$work/certs.out")"
for f in ca master agent ops; do
  [ -s "$work/conf/tls/$f.pem" ] || fail "certs init wrote no $f.pem"
  [ "$(stat -c %a "$work/conf/tls/$f-key.pem")" = 600 ] || fail "$f-key.pem is not mode 600"
done
printf 'security=true\n' > "$work/conf/corral.properties"
CORRAL_CONF_DIR="$work/conf" expect_error 2 'no ACL file' "$corral" master --port 0 --work-dir "$work/secured"

# addresses: a wildcard address is never advertised
expect_error 2 'cannot advertise .0\.0\.0\.0.*give --advertise-host' "$corral" master --port 0 --advertise-host 0.0.0.0 \
  --work-dir "$work/wildcard"

kill -TERM -- "-$local_pid"
wait "$local_pid" 2>/dev/null || true
echo "cli-smoke: ok"
