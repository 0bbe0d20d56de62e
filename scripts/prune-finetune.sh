#!/usr/bin/env bash
# Part II, fine-tuning with a magnitude-pruned copy: the reference's
# SpuriousCorrelationFinetuningPruning.py (REFERENCE.md 4.2) with its defaults: prune 1%,
# NT-Xent temperature 0.5, CE weight 0.2, 21 epochs, Adam lr 2e-4, batch 100.
# (The reference's runSpuriousCorrelationFinetuningPruning.sh swaps dataset and arch.)
#
# Usage: CHECKPOINT=path/epoch_40.safetensors scripts/prune-finetune.sh [extra options...]
#   CHECKPOINT  the ERM checkpoint (required; the reference uses epoch 40 for Waterbirds,
#               epoch 19 for CelebA)
#   DATASET, DATA_DIR, ARCH (resnet50), SEED as in pretrain-erm.sh
#   OUT         default experiments/${ARCH}_${DATASET}_prune-finetune
set -euo pipefail
source "$(dirname "$0")/common.sh"
require CHECKPOINT "the ERM checkpoint to fine-tune"

DATASET="${DATASET:-waterbirds}"
ARCH="${ARCH:-resnet50}"
DATA="$(dataset_dir "$DATASET" "${DATA_DIR:-}")"

run_spurious prune-finetune --checkpoint "$CHECKPOINT" --dataset "$DATASET" --data "$DATA" \
  --arch "$ARCH" --prune-percent 0.01 --temperature 0.5 --ce-weight 0.2 --epochs 21 \
  --lr 2e-4 --batch-size 100 --seed "${SEED:-0}" \
  --out "${OUT:-experiments/${ARCH}_${DATASET}_prune-finetune}" "$@"
