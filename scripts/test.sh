#!/usr/bin/env bash
# README command (b): install what is missing, build, and run the test suite.
#   bash scripts/test.sh               quick suite + Vulkan cross-backend tests, on the data in
#                                      the repository alone (a test that cannot run here, e.g.
#                                      without a Vulkan device, is reported as skipped)
#   bash scripts/test.sh --sanitize    the quick suite under AddressSanitizer + UBSan (build-asan/)
#   bash scripts/test.sh --label L     another CTest label: slow, vulkan, quick, soak (a minute of
#                                      `cadenza live` on a dummy JACK server), corpus (the public
#                                      corpora from $CADENZA_CORPORA, default ../shared/data),
#                                      or pip (pip install . into a fresh venv, offline)
#   bash scripts/test.sh --label fuzz  the libFuzzer targets, a minute each (clang, build-fuzz/;
#                                      docs/FUZZING.md)
# With CI=true a skipped test fails (tests/support/skip.h). A label that selects no test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
label=''
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
targets=(all)
while (($#)); do
  case "$1" in
    # -O1: at -O0 the sanitized tests run 5 to 11 times slower than RelWithDebInfo (the quick
    # suite would take an hour or more on 2 cores), far over CI's budget; -O1 keeps ASan's
    # reports and the asserts. -g1: the line tables the sanitizers' reports need, no more
    # (full DWARF in every sanitized test program made an 8 GB tree).
    --sanitize) build=build-asan
      # No Python module: /usr/bin/python3 is not built with the sanitizers, so it cannot load one that is.
      cmake_args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DCADENZA_SANITIZE=ON -DCADENZA_BUILD_BENCH=OFF
                  -DCADENZA_PYTHON=OFF) ;;
    --label) label="$2"; shift ;;
    *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "$label" ]]; then
  # Sanitized: the quick suite, what CI runs (ask for the vulkan label with --label).
  if [[ "$build" == build-asan ]]; then label=quick; else label='quick|vulkan'; fi
fi
if [[ "$label" == fuzz ]]; then
  # libFuzzer comes with clang only: a build of its own, holding just the fuzzers.
  export CC=clang CXX=clang++
  build=build-fuzz
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADENZA_FUZZ=ON -DCADENZA_BUILD_TESTS=OFF -DCADENZA_BUILD_BENCH=OFF)
  targets=(fuzzers)
fi

# With the reference peers: the suite checks cadenza against PyTorch and mido too.
bash scripts/setup.sh --with-peers
jobs=$(nproc)
mkdir -p "$build"
cmake -S . -B "$build" "${cmake_args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
ctest --test-dir "$build" -L "$label" --output-on-failure --no-tests=error -j"$jobs" --timeout 600
