#!/usr/bin/env bash
# A sweep as a Slurm job array: task i of N runs shard i/N of the sweep file into one
# shared experiments folder (each configuration writes its own subfolder, so tasks never
# collide; finished configurations are skipped, so resubmitting resumes).
#
# Submit (N tasks, numbered 1..N to match spurious's 1-based --shard):
#   N=8 sbatch --array=1-8 --export=ALL,N=8,SWEEP=scripts/sweeps/largest-random-init.json,\
#   DATASET=waterbirds,DATA=/data/waterbird_complete95_forest2water2,\
#   CHECKPOINT=/shared/ckpt/epoch_40.safetensors scripts/slurm-sweep.sh
# Then merge on any node:
#   spurious report "$SHARED_EXPERIMENTS" --format markdown
#
#SBATCH --job-name=spurious-sweep
#SBATCH --cpus-per-task=16
#SBATCH --mem=32G
#SBATCH --time=24:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

: "${SWEEP:?set SWEEP to a sweep file, e.g. scripts/sweeps/largest-random-init.json}"
: "${N:?set N to the number of array tasks (the same as --array=1-N)}"
: "${SLURM_ARRAY_TASK_ID:?run this script as a Slurm array job (sbatch --array=1-N)}"
SHARED_EXPERIMENTS="${SHARED_EXPERIMENTS:-experiments/sweeps/$(basename "$SWEEP" .json)}"
SPURIOUS="${SPURIOUS:-$(pwd)/.build/release/spurious}"

# One thread pool per task, sized to the CPUs Slurm gave it.
export SPURIOUS_THREADS="${SLURM_CPUS_PER_TASK:-1}"

cmd=("$SPURIOUS" sweep "$SWEEP" --shard "$((SLURM_ARRAY_TASK_ID))/$N" --out "$SHARED_EXPERIMENTS")
printf '+'
printf ' %q' "${cmd[@]}"
printf '\n'
exec "${cmd[@]}"
