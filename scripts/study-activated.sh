#!/usr/bin/env bash
# Part I, top-k most activated neurons per group: the reference's
# runStudyChannelwiseMostActivatedNeuronExperiments.sh (REFERENCE.md 4.4), same defaults as
# the largest study: waterbirds, split train, mode zero, std 0, rewind 0, top-k 3.
#
# Usage: CHECKPOINT=path/epoch_40.safetensors scripts/study-activated.sh [extra options...]
#   Variables as in study-largest.sh; OUT default experiments/study-activated-${MODE}-top${TOP_K}
set -euo pipefail
source "$(dirname "$0")/common.sh"
require CHECKPOINT "the ERM checkpoint, e.g. experiments/resnet50_waterbirds_erm/epoch_40.safetensors"

DATASET="${DATASET:-waterbirds}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"
MODE="${MODE:-zero}"
TOP_K="${TOP_K:-3}"

run_spurious study activated --checkpoint "$CHECKPOINT" --dataset "$DATASET" --data "$DATA" \
  --split "${SPLIT:-train}" --mode "$MODE" --noise-std "${NOISE_STD:-0}" \
  --rewind-epochs "${REWIND_EPOCHS:-0}" --top-k "$TOP_K" --seed "${SEED:-0}" \
  --out "${OUT:-experiments/study-activated-${MODE}-top${TOP_K}}" "$@"
