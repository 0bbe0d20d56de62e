#!/usr/bin/env bash
# Shared helpers for the scripts in this folder; sourced, not run.
#
#   SPURIOUS   path to the spurious binary. Default: .build/release/spurious when it
#              exists, else `swift run -c release spurious` from the package root.

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGE_ROOT="$(cd "$SCRIPTS_DIR/.." && pwd)"

# The command that runs spurious, as an array.
spurious_command() {
  if [ -n "${SPURIOUS:-}" ]; then
    SPURIOUS_CMD=("$SPURIOUS")
  elif [ -x "$PACKAGE_ROOT/.build/release/spurious" ]; then
    SPURIOUS_CMD=("$PACKAGE_ROOT/.build/release/spurious")
  else
    SPURIOUS_CMD=(swift run -c release --package-path "$PACKAGE_ROOT" spurious)
  fi
}

# Prints the full command line (shell-quoted), then runs it.
run_spurious() {
  spurious_command
  printf '+'
  printf ' %q' "${SPURIOUS_CMD[@]}" "$@"
  printf '\n'
  "${SPURIOUS_CMD[@]}" "$@"
}

# The dataset folder for $1 (waterbirds|celeba): $2 if given, else WATERBIRDS_DIR or
# CELEBA_DIR. Exits with a message naming the variable when neither is set.
dataset_dir() {
  local dataset="$1" given="${2:-}"
  if [ -n "$given" ]; then echo "$given"; return; fi
  case "$dataset" in
    waterbirds)
      [ -n "${WATERBIRDS_DIR:-}" ] || { echo "error: set WATERBIRDS_DIR to the waterbird_complete95_forest2water2 folder (or set DATA_DIR)" >&2; exit 2; }
      echo "$WATERBIRDS_DIR" ;;
    celeba)
      [ -n "${CELEBA_DIR:-}" ] || { echo "error: set CELEBA_DIR to the celeba folder holding metadata.csv and img_align_celeba/ (or set DATA_DIR)" >&2; exit 2; }
      echo "$CELEBA_DIR" ;;
    *)
      echo "error: dataset '$dataset' is not waterbirds or celeba; pass its folder as DATA_DIR" >&2
      exit 2 ;;
  esac
}

# Exits with a message when the variable named $1 is empty.
require() {
  local name="$1" hint="$2"
  if [ -z "${!name:-}" ]; then
    echo "error: set $name ($hint)" >&2
    exit 2
  fi
}
