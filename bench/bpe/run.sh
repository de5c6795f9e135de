#!/usr/bin/env bash
# BPE over REMI tokens: sequence-length reduction at several vocabulary sizes, then a
# music_transformer trained on a REMI store and on a BPE store of the same corpus for the
# same wall-clock time, scored in nats per original (REMI) token on the test split.
# Usage: bench/bpe/run.sh [BUILD_DIR] [WORK_DIR] [SECONDS_PER_RUN]
# Results go to WORK_DIR (default /tmp/cadenza_bpe_bench); bench/RESULTS.md quotes them.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$here/build}"
work="${2:-/tmp/cadenza_bpe_bench}"
seconds="${3:-600}"
data="${CADENZA_CORPORA:-$here/../shared/data}"
cadenza="$build/tools/cadenza"
run() { nice -n 10 "$cadenza" "$@"; }
mkdir -p "$work"

# 1. Sequence lengths. Freedoom as MIDI; Piano-midi.de only exists here as Boulanger's
# piano rolls, so each piece is written out as MIDI first (16th-note grid).
length_table() {  # CORPUS_DIR NAME
  local corpus="$1" name="$2"
  run corpus build "$corpus" --out "$work/$name-remi" --tokenizer remi > /dev/null
  for vocab in 500 1000 2000 4000 8000; do
    run tokenizer train --store "$work/$name-remi" --vocab "$vocab" --out "$work/$name-bpe$vocab.json" \
      | head -n 2 | sed "s/^/$name vocab $vocab: /"
    run corpus build "$corpus" --out "$work/$name-bpe$vocab" --tokenizer "$work/$name-bpe$vocab.json" > /dev/null
    python3 - "$work/$name-remi" "$work/$name-bpe$vocab" "$name" "$vocab" <<'PY'
import json, sys
remi, bpe = (json.load(open(p + "/config.json")) for p in sys.argv[1:3])
for split in ("train", "test"):
    r, b = remi["splits"]["tokens"][split], bpe["splits"]["tokens"][split]
    print(f"{sys.argv[3]} vocab {sys.argv[4]} {split}: remi {r} tokens, bpe {b} tokens, {r / b:.3f}x shorter")
PY
  done
}
[ -n "${SKIP_LENGTHS:-}" ] || length_table "$data/freedoom_music" freedoom
if [ -z "${SKIP_LENGTHS:-}" ] && [ -f "$data/boulanger_polyphonic/pianomidi_train.json" ]; then
  mkdir -p "$work/pianomidi_mid"
  for split in train valid test; do
    json="$data/boulanger_polyphonic/pianomidi_$split.json"
    n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['$split']))" "$json")
    for ((i = 0; i < n; i++)); do
      [ -f "$work/pianomidi_mid/$split-$i.mid" ] ||
        run convert "$json" "$work/pianomidi_mid/$split-$i.mid" --split "$split" --piece "$i" > /dev/null
    done
  done
  length_table "$work/pianomidi_mid" pianomidi
fi

# 2. Equal wall-clock training on Freedoom: REMI vs BPE (vocabulary 1000). Both stores'
# step times are measured back to back first (same machine load), and each run is given
# the steps that would fill $seconds times STEP_MARGIN (default 1.0: the learning-rate
# schedule completes; the clock stops a run only if it is a quarter late), or, with
# STEP_MARGIN above 1, stopped by SIGINT (which saves the checkpoint) at exactly $seconds,
# so that both train for the same time whatever the machine's load.
bpe=1000
common=(--model music_transformer --preset small --batch 8 --seed 1)
patch="$work/train.json"
echo '{"data": {"length": 256}, "train": {"valid_every": 0, "log_every": 50}}' > "$patch"
kinds=(remi "bpe$bpe")
declare -A steps
for kind in "${kinds[@]}"; do
  store="$work/freedoom-$kind"
  rm -rf "$work/calib-$kind"
  start=$(date +%s.%N)
  run train "${common[@]}" --config "$patch" --data "$store" --tokenizer "$store" --out "$work/calib-$kind" \
    --steps 30 > /dev/null 2>&1
  per_step=$(python3 -c "import sys; print((float(sys.argv[2]) - float(sys.argv[1])) / 30)" "$start" "$(date +%s.%N)")
  steps[$kind]=$(python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[3]) / float(sys.argv[2]))))" \
    "$seconds" "$per_step" "${STEP_MARGIN:-1.0}")
  echo "$kind: ${per_step} s a step (30-step calibration, with start-up) -> ${steps[$kind]} steps"
done
for kind in "${kinds[@]}"; do
  store="$work/freedoom-$kind"
  rm -rf "$work/run-$kind"
  start=$(date +%s)
  limit=$((seconds * 5 / 4))
  python3 -c "import sys; sys.exit(float(sys.argv[1]) <= 1)" "${STEP_MARGIN:-1.0}" && limit=$seconds
  timeout -s INT "$limit" nice -n 10 "$cadenza" train "${common[@]}" --config "$patch" --data "$store" \
    --tokenizer "$store" --out "$work/run-$kind" --steps "${steps[$kind]}" 2>&1 | tail -n 1 || true  # 124: the clock
  echo "$kind: $(($(date +%s) - start)) s of training"
  run eval --checkpoint "$work/run-$kind" --data "$store" --split test --eval-length 256 --samples 0 --json \
    > "$work/eval-$kind.json"
done
python3 - "$work" "$bpe" <<'PY'
import json, sys
work, bpe = sys.argv[1], sys.argv[2]
remi_cfg = json.load(open(f"{work}/freedoom-remi/config.json"))
remi_tokens = remi_cfg["splits"]["tokens"]["test"]
pieces = remi_cfg["splits"]["pieces"]["test"]
for kind in ("remi", f"bpe{bpe}"):
    e = json.load(open(f"{work}/eval-{kind}.json"))
    nats = e["nll"] * e["steps"]
    print(f"{kind}: {e['nll']:.4f} nats per own token over {int(e['steps'])} predicted tokens; total {nats:.0f} nats; "
          f"{nats / (remi_tokens - pieces):.4f} nats per REMI token ({remi_tokens} REMI tokens in {pieces} test pieces)")
PY
