#!/usr/bin/env bash
# Installs this build into a scratch prefix, then builds and runs examples/standalone
# against the installed package, as another project would.
set -euo pipefail
build=$1 source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" > "$scratch/install.log"
cmake -S "$source/examples/standalone" -B "$scratch/standalone" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  > "$scratch/configure.log" || { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/standalone" -j2 > "$scratch/build.log" || { cat "$scratch/build.log"; exit 1; }
"$scratch/standalone/standalone"
echo "standalone example: ok"  # reached only when it built and exited 0 (set -e)
