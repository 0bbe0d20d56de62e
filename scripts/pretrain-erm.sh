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
#   INIT      an ImageNet checkpoint (e.g. resnet50-19c8e357.pth); without it resnet50
#             trains from scratch, as the reference's code does, and DeiT/ViT refuse
# Example: WATERBIRDS_DIR=~/data/waterbird_complete95_forest2water2 scripts/pretrain-erm.sh --epochs 41
set -euo pipefail
source "$(dirname "$0")/common.sh"

DATASET="${DATASET:-waterbirds}"
ARCH="${ARCH:-resnet50}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"
OUT="${OUT:-experiments/${ARCH}_${DATASET}_erm}"

if [ -n "${INIT:-}" ]; then
  START=(--init "$INIT")
elif [ "$ARCH" = resnet50 ]; then
  START=(--from-scratch)
else
  echo "error: set INIT to the ImageNet checkpoint of $ARCH (the reference loads one)" >&2
  exit 2
fi

run_spurious pretrain --dataset "$DATASET" --data "$DATA" --arch "$ARCH" "${START[@]}" \
  --seed "${SEED:-0}" --out "$OUT" "$@"
