#!/usr/bin/env bash
# Runs one libFuzzer target of a CADENZA_FUZZ build for SECONDS, from its committed seeds
# and the inputs its regression test replays (docs/FUZZING.md).
#   fuzz/run_fuzz.sh [--fresh] TARGET SECONDS [libFuzzer options...]
#   TARGET: midi_reader | json_roll | safetensors; BUILD_DIR defaults to build-fuzz/.
# The working corpus, BUILD_DIR/fuzz/TARGET/corpus, keeps what earlier runs found; --fresh
# empties it first so the run starts from the committed inputs alone (the CTest `fuzz`
# label does). Exits non-zero on any crash, sanitizer report, leak, input slower than 10 s
# or run above 2 GB; the input that did it is kept in BUILD_DIR/fuzz/TARGET/artifacts/.
set -euo pipefail
fresh=0
if [[ "${1:-}" == "--fresh" ]]; then fresh=1; shift; fi
(($# >= 2)) || { sed -n '2,9p' "$0" >&2; exit 2; }
target=$1 seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
case "$target" in
  midi_reader) inputs=("$root/fuzz/seeds/midi_reader" "$root/tests/music/regressions") ;;
  json_roll) inputs=("$root/fuzz/seeds/json_roll" "$root/tests/music/regressions/json_roll") ;;
  safetensors) inputs=("$root/fuzz/seeds/safetensors" "$root/tests/engine/regressions/safetensors") ;;
  *) echo "run_fuzz.sh: unknown target '$target' (midi_reader, json_roll, safetensors)" >&2; exit 2 ;;
esac
binary=$build/fuzz/fuzz_$target
[[ -x "$binary" ]] || { echo "run_fuzz.sh: $binary not built (see docs/FUZZING.md)" >&2; exit 1; }

work=$build/fuzz/$target
if ((fresh)); then rm -rf "$work/corpus"; fi
mkdir -p "$work/corpus" "$work/artifacts"
existing=()
for d in "${inputs[@]}"; do [[ -d "$d" ]] && existing+=("$d"); done

# Leaks count as failures here whatever the caller's ASAN_OPTIONS say.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec "$binary" "$work/corpus" "${existing[@]}" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -dict="$root/fuzz/dicts/$target.dict" -artifact_prefix="$work/artifacts/" \
  -print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 "$@"
