#!/usr/bin/env bash
# README command (a): install what is missing, build, train a small model on the bundled
# JSB Chorales and write sampled music (MIDI + piano-roll PNG) to out/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build/configure.log 2>&1 || { cat build/configure.log; exit 1; }
cmake --build build -j"$(nproc)" --target next_frame cadenza
mkdir -p out
./build/examples/next_frame data/jsb-chorales-quarter.json out/next_frame.mid 300
./build/tools/cadenza render out/next_frame.mid out/next_frame.png
./build/tools/cadenza inspect out/next_frame.mid
echo "quickstart: done; listen to out/next_frame.mid, look at out/next_frame.png"
