#!/usr/bin/env bash
# Runs a sweep file (scripts/sweeps/*.json) on this machine, or one shard of it.
#
# Usage: scripts/run-sweep.sh scripts/sweeps/largest-random-init.json [--shard i/n] [--out DIR]
# The sweep's placeholders come from the environment, e.g.:
#   DATASET=waterbirds DATA=~/data/waterbird_complete95_forest2water2 \
#   CHECKPOINT=experiments/resnet50_waterbirds_erm/epoch_40.safetensors \
#   scripts/run-sweep.sh scripts/sweeps/largest-zero-top1-10.json
# Finished configurations (their study.json parses) are skipped, so rerunning resumes.
# Merge the results with: spurious report experiments/sweeps
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [ $# -lt 1 ]; then
  echo "usage: $0 SWEEP_FILE [--shard i/n] [--out DIR]" >&2
  exit 2
fi
file="$1"
shift
run_spurious sweep "$file" "$@"
