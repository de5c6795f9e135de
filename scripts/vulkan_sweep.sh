#!/usr/bin/env bash
# The Vulkan tests at every subgroup size real GPUs have, on Mesa's lavapipe:
#   bash scripts/vulkan_sweep.sh BUILD_DIR
# runs the `vulkan` CTest label once per LP_NATIVE_VECTOR_WIDTH — 128, 256, 512, 1024, 2048
# bits, i.e. subgroups of 4, 8 (lavapipe's default), 16, 32 (NVIDIA, AMD wave32, Apple) and
# 64 (AMD wave64) — then once more with synchronization validation on top of the core
# validation every Vulkan test enables (tests/vulkan/vulkan_test_util.h). Each test counts
# the validation layer's warnings and errors and fails on any (CLI children must print
# nothing), so a validation message fails the sweep like a wrong result. Before each run
# the script checks with `cadenza devices` that lavapipe really reports the subgroup size
# the width should give, and fails if it does not (or if there is no lavapipe or no
# validation layer): a sweep that silently ran at one size would prove nothing.
# Environment: CTEST_JOBS (default: nproc), CADENZA_SWEEP_WIDTHS (default "128 256 512
# 1024 2048"; 64 and 4096 give subgroups of 2 and 128 as well; the validation run always
# follows, at lavapipe's default width). About 6-7 minutes on 2 cores (docs/VULKAN.md).
set -euo pipefail

build=${1:?usage: scripts/vulkan_sweep.sh BUILD_DIR}
cadenza="$build/tools/cadenza"
jobs=${CTEST_JOBS:-$(nproc)}
widths=${CADENZA_SWEEP_WIDTHS:-128 256 512 1024 2048}
# lavapipe whatever else the machine has: the width only shapes lavapipe.
export CADENZA_VULKAN_DEVICE=llvmpipe

die() {
  echo "vulkan_sweep: $*" >&2
  exit 1
}

[[ -x "$cadenza" ]] || die "$cadenza not found (build the project first)"

# The subgroup size lavapipe reports under the current environment ("" without lavapipe).
lavapipe_subgroup() {
  "$cadenza" devices | sed -n 's/^vulkan:[0-9]*  llvmpipe.* subgroup \([0-9]*\),.*/\1/p' | head -n 1
}

run_label() {
  local what=$1
  local start=$SECONDS
  echo "== vulkan_sweep: $what"
  if ! ctest --test-dir "$build" -L vulkan -j"$jobs" --output-on-failure --timeout 600; then
    die "the vulkan label failed at $what"
  fi
  echo "== vulkan_sweep: $what passed in $((SECONDS - start)) s"
}

total=$SECONDS
for width in $widths; do
  want=$((width / 32))
  got=$(LP_NATIVE_VECTOR_WIDTH=$width lavapipe_subgroup)
  [[ -n "$got" ]] || die "no lavapipe (llvmpipe) device in \`cadenza devices\`: $("$cadenza" devices | tr '\n' ' ')"
  [[ "$got" == "$want" ]] ||
    die "LP_NATIVE_VECTOR_WIDTH=$width should give subgroup $want, lavapipe reports $got: the width did not take effect"
  LP_NATIVE_VECTOR_WIDTH=$width run_label "LP_NATIVE_VECTOR_WIDTH=$width (subgroup $got)"
done

# Without the layer the tests would run unvalidated and pass: refuse instead.
if command -v vulkaninfo > /dev/null; then
  vulkaninfo --summary 2> /dev/null | grep -q VK_LAYER_KHRONOS_validation ||
    die "VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)"
else
  die "vulkaninfo not found to check for the validation layer (Debian: vulkan-tools)"
fi
CADENZA_VULKAN_VALIDATION=1 VK_LAYER_ENABLES=VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT \
  run_label "core + synchronization validation (subgroup $(lavapipe_subgroup))"
echo "== vulkan_sweep: all runs passed in $((SECONDS - total)) s"
