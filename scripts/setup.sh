#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages cadenza needs to build, test and run.
# Idempotent: asks apt only for what is missing. Works as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-dev
  libopenblas-dev libtbb-dev libfmt-dev catch2 libbenchmark-dev libpng-dev
  nlohmann-json3-dev libcli11-dev doxygen
  libvulkan-dev glslc spirv-tools mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  libfluidsynth-dev fluid-soundfont-gm
  libopenmpi-dev openmpi-bin
  python3-dev pybind11-dev python3-numpy python3-pytest python3-setuptools python3-wheel python3-venv
  jackd2 libjack-jackd2-dev lv2-dev liblilv-dev lilv-utils
)
# Reference peers (PyTorch, mido), which the test suite and the benchmarks check cadenza
# against; only with --with-peers (scripts/test.sh asks for them, the quickstart does not).
peer_packages=(python3-torch python3-mido)

want=("${packages[@]}")
if [[ "${1:-}" == "--with-peers" ]]; then want+=("${peer_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#want[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
