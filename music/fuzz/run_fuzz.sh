#!/usr/bin/env bash
# Fuzz the MIDI reader for SECONDS (default 180) at the lowest priority, one process.
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCADENZA_FUZZ=ON -DCADENZA_BUILD_TESTS=OFF
#   cmake --build build-fuzz --target fuzz_midi_reader
#   music/fuzz/run_fuzz.sh 180
# The working corpus lives in build-fuzz/fuzz-corpus (seeded once from the two shared MIDI
# corpora); crashes land in build-fuzz/fuzz-artifacts and become tests in
# tests/music/regressions/.
set -euo pipefail
seconds=${1:-180}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
corpus=$build/fuzz-corpus
artifacts=$build/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
if [ -z "$(ls -A "$corpus")" ]; then
  find "$root/../shared/data/midi_parser_corpus" "$root/../shared/data/freedoom_music" \
    -name '*.mid' -exec cp {} "$corpus/" \; 2>/dev/null || true
  cp -r "$root"/tests/music/regressions/*.mid "$corpus/" 2>/dev/null || true
fi
exec nice -n 19 "$build/music/fuzz/fuzz_midi_reader" "$corpus" \
  -max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1 \
  -rss_limit_mb=1024 -timeout=10 -max_len=${MAX_LEN:-32768}
