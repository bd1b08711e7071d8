#!/usr/bin/env bash
# Makes <storm-home>/lib-worker/ out of symbolic links into ../lib/ (Storm's workers need exactly
# storm-client's jars, which lib/ holds too), so a bundle of this Storm home carries each jar once:
# agents fetch and unpack half as much. Usage: link-lib-worker.sh <storm-home> <dir-of-worker-jars>
set -euo pipefail
home=$1
jars=$2
rm -rf "$home/lib-worker"
mkdir -p "$home/lib-worker"
for jar in "$jars"/*.jar; do
  name=$(basename "$jar")
  if [ -f "$home/lib/$name" ]; then
    ln -s "../lib/$name" "$home/lib-worker/$name"
  else
    cp "$jar" "$home/lib-worker/$name"
  fi
done
