#!/usr/bin/env bash
# `cadenza corpus build` at scale: generates a benchmark corpus of MIDI files from the
# project's own (bench/midi/make_bench_corpus: transposition, tempo change, track dropping,
# splicing) in a temporary folder, builds a store of its first N files for each N, and
# prints files/s, peak RSS and the time to open the store and draw its first batch.
#   scripts/bench_corpus_scale.sh [N...]        (default: 2000 20000 100000)
# Environment: BUILD (default build), WORK (default /tmp/cadenza_corpus_bench; removed at
# the end unless KEEP=1), JOBS (default 2), TOKENIZER (default remi), CADENZA_CORPORA (the
# folder holding freedoom_music; default ../shared/data beside the checkout).
# The generated corpus is for measuring only: never commit it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
work=${WORK:-/tmp/cadenza_corpus_bench}
jobs=${JOBS:-2}
tokenizer=${TOKENIZER:-remi}
corpora=${CADENZA_CORPORA:-$root/../shared/data}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 20000 100000)
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)

sources=("$root/tests/data/freedoom")
[ -d "$corpora/freedoom_music" ] && sources+=("$corpora/freedoom_music")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
rm -rf "$work"
mkdir -p "$work"
"$build/bench/midi/make_bench_corpus" "$work/midi" "$largest" "${sources[@]}"
du -sh "$work/midi" | sed 's/^/corpus on disk: /'

# cpu_s is user + system time of the build: with other jobs on the machine, files/s
# follows the cores it was given, files per cpu second does not.
printf '%8s %10s %10s %8s %12s %10s %12s\n' files seconds files/s cpu_s peak_RSS_MB pieces open+batch_s
for n in "${sizes[@]}"; do
  in="$work/in-$n"
  mkdir -p "$in"
  # The first n files (sub-folders of 1000), hard-linked: no copy, same bytes.
  for ((d = 0; d * 1000 < n; d++)); do
    sub=$(printf '%04d' "$d")
    count=$(( n - d * 1000 < 1000 ? n - d * 1000 : 1000 ))
    if [ "$count" = 1000 ]; then cp -al "$work/midi/$sub" "$in/$sub"; continue; fi
    mkdir -p "$in/$sub"
    for ((i = d * 1000; i < d * 1000 + count; i++)); do ln "$work/midi/$sub/$i.mid" "$in/$sub/$i.mid"; done
  done
  store="$work/store-$n"
  /usr/bin/time -v -o "$work/time-$n.txt" "$build/tools/cadenza" corpus build "$in" --out "$store" \
    --jobs "$jobs" --tokenizer "$tokenizer" > "$work/build-$n.txt"
  seconds=$(sed -n 's/.* files in \([0-9.]*\) s .*/\1/p' "$work/build-$n.txt")
  rate=$(sed -n 's/.* s (\([0-9]*\) files\/s).*/\1/p' "$work/build-$n.txt")
  pieces=$(sed -n 's/.*files\/s): \([0-9]*\) pieces.*/\1/p' "$work/build-$n.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$work/time-$n.txt")
  rss=$(awk '/Maximum resident set size/ {printf "%.1f", $NF / 1024}' "$work/time-$n.txt")
  open=$("$build/bench/midi/bench_store_open" "$store" | sed -n 's/.*total \([0-9.]*\) s/\1/p')
  printf '%8s %10s %10s %8s %12s %10s %12s\n' "$n" "$seconds" "$rate" "$cpu" "$rss" "$pieces" "$open"
  rm -rf "$in"
done

# Training from the largest store: the wall time of a whole one-step run of the small
# music_transformer (start-up, opening the store, the first batch and step, the closing
# validation on one batch and the checkpoint): an upper bound on the time to its first step.
store="$work/store-$largest"
echo '{"train": {"valid_batches": 1, "log_every": 1}}' > "$work/one_step.json"
start=$(date +%s.%N)
"$build/tools/cadenza" train --model music_transformer --tokenizer "$store" --data "$store" --steps 1 \
  --config "$work/one_step.json" --out "$work/train-one-step" > "$work/train-one-step.txt" 2>&1 ||
  { cat "$work/train-one-step.txt"; exit 1; }
awk -v n="$largest" -v a="$start" -v b="$(date +%s.%N)" \
  'BEGIN {printf "train --data store-%s --steps 1: %.2f s wall (start-up to checkpoint)\n", n, b - a}'
