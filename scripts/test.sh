#!/usr/bin/env bash
# README command (b): install what is missing, build, and run the test suite.
#   bash scripts/test.sh              quick suite + Vulkan cross-backend tests (what CI runs;
#                                     the Vulkan ones report SKIPPED without a device)
#   bash scripts/test.sh --sanitize   the same under AddressSanitizer + UBSan (build-asan/)
#   bash scripts/test.sh --label slow any other CTest label (quick, slow, vulkan)
#   bash scripts/test.sh --label fuzz the libFuzzer targets, a minute each (clang, build-fuzz/;
#                                     docs/FUZZING.md)
# A run that selects no test at all fails: a label nothing carries is a mistake, not a pass.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
label='quick|vulkan'
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
targets=(all)
while (($#)); do
  case "$1" in
    --sanitize) build=build-asan; cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DCADENZA_SANITIZE=ON -DCADENZA_BUILD_BENCH=OFF) ;;
    --label) label="$2"; shift ;;
    *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [[ "$label" == fuzz ]]; then
  # libFuzzer comes with clang only: a build of its own, holding just the fuzzers.
  export CC=clang CXX=clang++
  build=build-fuzz
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADENZA_FUZZ=ON -DCADENZA_BUILD_TESTS=OFF -DCADENZA_BUILD_BENCH=OFF)
  targets=(fuzzers)
fi

bash scripts/setup.sh
jobs=$(nproc)
mkdir -p "$build"
cmake -S . -B "$build" "${cmake_args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
ctest --test-dir "$build" -L "$label" --no-tests=error --output-on-failure -j"$jobs" --timeout 600
