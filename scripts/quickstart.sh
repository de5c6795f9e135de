#!/usr/bin/env bash
# README command (a): install what is missing, build, sample a chorale from the bundled
# model zoo (seconds, no training: zoo/bach_chorales), then train a small one yourself — the
# polyphonic LSTM with its RNN-NADE output (poly_rnn, preset nade) on the bundled JSB
# Chorales for 400 steps (under two minutes on 2 idle cores; 400 is where its validation
# NLL bottoms out without dropout, see docs/RESULTS.md) — and sample it too: MIDI plus a
# piano-roll PNG into out/; then the Python package, importable by /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build/configure.log 2>&1 || { cat build/configure.log; exit 1; }
cmake --build build -j"$(nproc)" --target cadenza
mkdir -p out
./build/tools/cadenza models
./build/tools/cadenza sample --model bach_chorales --out out/zoo_sample.mid --length 64
rm -rf out/poly_rnn  # a fresh run each time (train refuses to overwrite a checkpoint)
./build/tools/cadenza train --model poly_rnn --preset nade --out out/poly_rnn --steps 400
./build/tools/cadenza sample --checkpoint out/poly_rnn --out out/sample.mid --length 64
./build/tools/cadenza inspect out/sample.mid
# The Python package: the build tree's python/ folder, made importable by /usr/bin/python3
# through a .pth file in the user's site-packages (docs/PYTHON.md; `pip install .` into a
# venv is the other way).
cmake --build build -j"$(nproc)" --target cadenza_python
site=$(/usr/bin/python3 -m site --user-site)
mkdir -p "$site"
printf '%s\n' "$PWD/build/python" > "$site/cadenza.pth.tmp" && mv "$site/cadenza.pth.tmp" "$site/cadenza.pth"
/usr/bin/python3 -c "import cadenza; print('quickstart: /usr/bin/python3 imports cadenza from', cadenza.__path__[0])"
echo "quickstart: done; listen to out/zoo_sample.mid (the zoo's model) and out/sample.mid (yours), look at their .png and out/poly_rnn/loss.png"
