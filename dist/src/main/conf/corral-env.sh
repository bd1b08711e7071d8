# shellcheck shell=bash
#
# Corral environment, sourced by bin/corral on every start.
#
# Edit this file in place, or copy conf/ elsewhere and set CORRAL_CONF_DIR to
# that folder: bin/corral then reads this file first and $CORRAL_CONF_DIR/corral-env.sh
# after it, and uses $CORRAL_CONF_DIR/logback.xml if there is one.
# A value set here overrides the same variable from the calling environment.
# Everything below is commented out: the values shown are the defaults.

# Java 17 or newer. Unset: $JAVA_HOME from the environment, else `java` on the PATH.
# JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

# Heap of the JVM (master, agent, local cluster, example frameworks alike).
# Set it to "" to let the JVM size the heap (a quarter of the machine's memory).
# CORRAL_HEAP_OPTS="-Xmx1g"

# Other JVM options, split on spaces. A daemon that runs out of memory exits
# (and its supervisor restarts it) instead of limping on.
# CORRAL_JAVA_OPTS="-XX:+ExitOnOutOfMemoryError"
# For example, GC logs and a remote debugger:
# CORRAL_JAVA_OPTS="-XX:+ExitOnOutOfMemoryError -Xlog:gc*:file=$CORRAL_HOME/logs/gc.log:time,uptime:filecount=5,filesize=10m -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005"

# Log level of Corral's own loggers (TRACE, DEBUG, INFO, WARN, ERROR); read by conf/logback.xml.
# CORRAL_LOG_LEVEL=INFO

# Folder for log files; passed to the JVM as -Dcorral.log.dir. Logs go to stderr
# unless the FILE appender in conf/logback.xml is switched on.
# CORRAL_LOG_DIR="$CORRAL_HOME/logs"
