# shellcheck shell=bash
#
# Sourced by bin/corral (which sets CORRAL_BIN_DIR first). Sets:
#
#   CORRAL_HOME          the distribution: the folder above bin/
#   CORRAL_CONF_DIR      the user's conf folder if set, else $CORRAL_HOME/conf
#   CORRAL_LOGBACK_CONF  $CORRAL_CONF_DIR/logback.xml if present, else $CORRAL_HOME/conf/logback.xml
#   CORRAL_HEAP_OPTS, CORRAL_JAVA_OPTS, CORRAL_LOG_DIR   defaults below unless set
#   JAVA                 the java executable, checked to be Java 17 or newer
#
# Order, later wins: the caller's environment, then $CORRAL_HOME/conf/corral-env.sh,
# then $CORRAL_CONF_DIR/corral-env.sh (only when CORRAL_CONF_DIR is set and differs),
# then the defaults here for anything still unset.

corral_die() {
  echo "corral: $*" >&2
  exit 1
}

# A setting that cannot be used: bad input, exit 2 (as the corral command's own).
corral_bad_setting() {
  echo "corral: $*" >&2
  exit 2
}

CORRAL_HOME="$(cd -- "$CORRAL_BIN_DIR/.." && pwd -P)"
export CORRAL_HOME

# 1. The distribution's env file.
if [ -f "$CORRAL_HOME/conf/corral-env.sh" ]; then
  # shellcheck source=../conf/corral-env.sh
  . "$CORRAL_HOME/conf/corral-env.sh"
fi

# 2. The user's env file, from a conf folder outside the distribution.
if [ -n "${CORRAL_CONF_DIR:-}" ]; then
  [ -d "$CORRAL_CONF_DIR" ] || corral_bad_setting "CORRAL_CONF_DIR=$CORRAL_CONF_DIR is not a directory (unset it, or point it at a copy of conf/)"
  CORRAL_CONF_DIR="$(cd -- "$CORRAL_CONF_DIR" && pwd -P)"
  if [ "$CORRAL_CONF_DIR" != "$CORRAL_HOME/conf" ] && [ -f "$CORRAL_CONF_DIR/corral-env.sh" ]; then
    # shellcheck source=/dev/null
    . "$CORRAL_CONF_DIR/corral-env.sh"
  fi
else
  CORRAL_CONF_DIR="$CORRAL_HOME/conf"
fi
export CORRAL_CONF_DIR

# shellcheck disable=SC2034 # used by bin/corral
if [ -f "$CORRAL_CONF_DIR/logback.xml" ]; then
  CORRAL_LOGBACK_CONF="$CORRAL_CONF_DIR/logback.xml"
else
  CORRAL_LOGBACK_CONF="$CORRAL_HOME/conf/logback.xml"
fi

# 3. Defaults (documented in conf/corral-env.sh). The option variables keep an
#    empty value ("" = no options); only unset ones get the default.
CORRAL_HEAP_OPTS="${CORRAL_HEAP_OPTS-"-Xmx1g"}"
CORRAL_JAVA_OPTS="${CORRAL_JAVA_OPTS-"-XX:+ExitOnOutOfMemoryError"}"
CORRAL_LOG_DIR="${CORRAL_LOG_DIR:-$CORRAL_HOME/logs}"
# conf/logback.xml reads CORRAL_LOG_LEVEL from the environment (unset: INFO).
if [ -n "${CORRAL_LOG_LEVEL:-}" ]; then
  case "${CORRAL_LOG_LEVEL^^}" in
    TRACE | DEBUG | INFO | WARN | ERROR | OFF) export CORRAL_LOG_LEVEL ;;
    *) corral_bad_setting "CORRAL_LOG_LEVEL=$CORRAL_LOG_LEVEL: use TRACE, DEBUG, INFO, WARN, ERROR or OFF." ;;
  esac
else
  unset CORRAL_LOG_LEVEL
fi

# 4. Java: $JAVA_HOME/bin/java, else java on the PATH; 17 or newer.
if [ -n "${JAVA_HOME:-}" ]; then
  JAVA="$JAVA_HOME/bin/java"
  [ -x "$JAVA" ] || corral_die "JAVA_HOME=$JAVA_HOME has no bin/java. Point JAVA_HOME at a Java 17+ installation (conf/corral-env.sh) or unset it."
  export JAVA_HOME
else
  JAVA="$(command -v java)" || corral_die "java not found. Install Java 17 or newer, or set JAVA_HOME (conf/corral-env.sh)."
fi

# Prints the major version of the Java at $1 (8 for "1.8.0_392", 17 for "17.0.15").
# Reads the JDK's `release` file when there is one (no extra JVM start), else asks java.
corral_java_major() {
  local java_home version
  java_home="$(dirname -- "$(dirname -- "$(readlink -f -- "$1")")")"
  if [ -f "$java_home/release" ]; then
    version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$java_home/release")"
  fi
  if [ -z "${version:-}" ]; then
    version="$("$1" -version 2>&1 | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1)"
  fi
  version="${version#1.}"
  echo "${version%%[!0-9]*}"
}

CORRAL_JAVA_MAJOR="$(corral_java_major "$JAVA")"
case "$CORRAL_JAVA_MAJOR" in
  '' | *[!0-9]*) corral_die "cannot tell the version of $JAVA; Corral needs Java 17 or newer." ;;
esac
[ "$CORRAL_JAVA_MAJOR" -ge 17 ] \
  || corral_die "$JAVA is Java $CORRAL_JAVA_MAJOR; Corral needs Java 17 or newer. Set JAVA_HOME (conf/corral-env.sh)."
