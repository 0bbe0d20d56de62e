#!/usr/bin/env bash
# Part I, weights beyond a global magnitude threshold: the reference's
# runStudyLargestNeuronByThresholdExperiments.sh (REFERENCE.md 4.5): waterbirds, mode zero,
# std 0, rewind 0, percentage 0.05, largest magnitudes, dropout-p 0.
#
# Usage: CHECKPOINT=path/epoch_40.safetensors scripts/study-threshold.sh [extra options...]
#   PERCENTAGE  0.05 (default);  SMALLEST=1 modifies the smallest magnitudes instead
#   DROPOUT_P   0 (default): the fraction of selected weights left untouched
#   Other variables as in study-largest.sh (SPLIT default train, as the reference evaluates).
set -euo pipefail
source "$(dirname "$0")/common.sh"
require CHECKPOINT "the ERM checkpoint, e.g. experiments/resnet50_waterbirds_erm/epoch_40.safetensors"

DATASET="${DATASET:-waterbirds}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"
MODE="${MODE:-zero}"
PERCENTAGE="${PERCENTAGE:-0.05}"
extra=()
if [ "${SMALLEST:-0}" = 1 ]; then extra+=(--smallest); fi

run_spurious study threshold --checkpoint "$CHECKPOINT" --dataset "$DATASET" --data "$DATA" \
  --split "${SPLIT:-train}" --mode "$MODE" --noise-std "${NOISE_STD:-0}" \
  --rewind-epochs "${REWIND_EPOCHS:-0}" --percentage "$PERCENTAGE" \
  --dropout-p "${DROPOUT_P:-0}" --seed "${SEED:-0}" ${extra[@]+"${extra[@]}"} \
  --out "${OUT:-experiments/study-threshold-${MODE}-${PERCENTAGE}}" "$@"
