#!/bin/sh
# One command for a machine with a Vulkan GPU: builds cadenza, runs the `vulkan` test label
# and bench_vulkan on the device, and writes one JSON file of the results (the device, its
# driver and subgroup size, the tests' pass/fail/skip counts, the benchmark's rows).
#
#   bench/gpu.sh [OUT.json]          (default: BUILD/gpu_results.json)
#
# Environment: BUILD (build folder, default build/ in the checkout), JOBS (parallel build
# and test jobs, default 2), ROUNDS (bench_vulkan rounds, default 5),
# CADENZA_VULKAN_DEVICE=<index|name substring> (which device; by default the runtime
# prefers a discrete GPU, then an integrated one, then the others: see docs/VULKAN.md).
# Exits non-zero when a test fails or no Vulkan device is found, after writing the file.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
JOBS=${JOBS:-2}
ROUNDS=${ROUNDS:-5}
OUT=${1:-$BUILD/gpu_results.json}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$WORK/configure.log"
# Every target: the vulkan label spans several test executables, and the CLI lists devices.
nice cmake --build "$BUILD" -j"$JOBS" > "$WORK/build.log" || { tail -40 "$WORK/build.log"; exit 1; }

"$BUILD/tools/cadenza" devices > "$WORK/devices.txt" 2>&1 || true
vulkaninfo --summary > "$WORK/vulkaninfo.txt" 2>/dev/null || true
ctest_rc=0
ctest --test-dir "$BUILD" -L vulkan -j"$JOBS" --output-junit "$WORK/junit.xml" > "$WORK/ctest.log" 2>&1 || ctest_rc=$?
bench_rc=0
"$BUILD/bench/vulkan/bench_vulkan" "$ROUNDS" > "$WORK/bench.txt" 2> "$WORK/bench.err" || bench_rc=$?

python3 "$ROOT/bench/gpu_results.py" "$WORK" "$ctest_rc" "$bench_rc" > "$WORK/results.json"
mkdir -p "$(dirname "$OUT")"
# Renamed into place whole, never half-written.
cp "$WORK/results.json" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
echo "bench/gpu.sh: wrote $OUT"
tail -3 "$WORK/ctest.log"
[ "$ctest_rc" -eq 0 ] && [ "$bench_rc" -eq 0 ]
