#!/usr/bin/env bash
# ERM training, the reference's SpuriousCorrelationPretrainingErm.py (REFERENCE.md 4.1).
# (The reference's runSpuriousCorrelationPretrainingErm.sh calls the wrong script with
# swapped arguments; this is the evident intent.)
#
# Usage: scripts/pretrain-erm.sh [extra spurious options...]
#   DATASET   waterbirds (default) | celeba
#   ARCH      resnet50 (default) | deit_tiny | deit_small | deit_base | deit_large
#   DATA_DIR  dataset folder; default WATERBIRDS_DIR or CELEBA_DIR
#   OUT       run folder; default experiments/${ARCH}_${DATASET}_erm
#   SEED      default 0
# Example: WATERBIRDS_DIR=~/data/waterbird_complete95_forest2water2 scripts/pretrain-erm.sh --epochs 41
set -euo pipefail
source "$(dirname "$0")/common.sh"

DATASET="${DATASET:-waterbirds}"
ARCH="${ARCH:-resnet50}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"
OUT="${OUT:-experiments/${ARCH}_${DATASET}_erm}"

run_spurious pretrain --dataset "$DATASET" --data "$DATA" --arch "$ARCH" \
  --seed "${SEED:-0}" --out "$OUT" "$@"
