#!/usr/bin/env bash
# Part I, top-k largest neurons: the reference's runStudyChannelwiseLargestNeuronExperiments.sh
# (REFERENCE.md 4.3): waterbirds, split train, mode zero, std 0, rewind 0, top-k 3.
#
# Usage: CHECKPOINT=path/epoch_40.safetensors scripts/study-largest.sh [extra options...]
#   CHECKPOINT     the ERM checkpoint to study (required)
#   DATASET        waterbirds (default) | celeba;  DATA_DIR (default WATERBIRDS_DIR/CELEBA_DIR)
#   SPLIT          train (default) | test
#   MODE           zero (default) | random_init | random_noise | rewind
#   NOISE_STD      0 (default);  REWIND_EPOCHS  0 (default);  TOP_K  3 (default)
#   OUT            default experiments/study-largest-${MODE}-top${TOP_K}
set -euo pipefail
source "$(dirname "$0")/common.sh"
require CHECKPOINT "the ERM checkpoint, e.g. experiments/resnet50_waterbirds_erm/epoch_40.safetensors"

DATASET="${DATASET:-waterbirds}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"
MODE="${MODE:-zero}"
TOP_K="${TOP_K:-3}"

run_spurious study largest --checkpoint "$CHECKPOINT" --dataset "$DATASET" --data "$DATA" \
  --split "${SPLIT:-train}" --mode "$MODE" --noise-std "${NOISE_STD:-0}" \
  --rewind-epochs "${REWIND_EPOCHS:-0}" --top-k "$TOP_K" --seed "${SEED:-0}" \
  --out "${OUT:-experiments/study-largest-${MODE}-top${TOP_K}}" "$@"
