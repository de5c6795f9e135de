#!/usr/bin/env bash
# `cmake --install` puts the LV2 bundle into PREFIX/lib/lv2, where lv2info finds the plugin.
set -euo pipefail
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" > "$scratch/install.log"
out=$(LV2_PATH="$scratch/prefix/lib/lv2" lv2info urn:cadenza:live)
grep -q "Bundle: *file://$scratch/prefix/lib/lv2/cadenza.lv2/" <<< "$out" || { echo "$out"; exit 1; }
echo "installed LV2 bundle: ok"
