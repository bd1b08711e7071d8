# Helpers shared by the distribution's smoke tests (sourced).

# Wait until a file has a line matching a pattern, or fail after a deadline (seconds) or when the
# process writing it ends. Usage: await_line <file> <extended regex> <seconds> <pid>
await_line() {
  local file=$1 pattern=$2 deadline=$((SECONDS + $3)) pid=$4
  until grep -qE "$pattern" "$file" 2>/dev/null; do
    if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2 # polling a log file, with a deadline
  done
}
