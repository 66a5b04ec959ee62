#!/usr/bin/env bash
# The main job on the sample, in a scratch copy: reprofix verify says the runs differ, the dry-run
# diff, apply, verify says the runs agree, revert, and proof that the file is back byte for byte;
# then minimize on a second sample, which keeps only the change its runs need.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/mindspore_train.py" "$work/train.py"
cd "$work"
export GLOG_v=3  # MindSpore: errors only

if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "reprofix verify -- python train.py: two runs of the original script"
reprofix verify -- python train.py || true
say "reprofix apply --dry-run train.py: the exact change, nothing written"
reprofix apply --dry-run train.py
say "reprofix apply train.py"
reprofix apply train.py
say "reprofix verify -- python train.py: two runs of the rewritten script"
reprofix verify -- python train.py
say "reprofix revert"
reprofix revert
cmp train.py "$here/mindspore_train.py" && echo "train.py is byte-identical to the original"

cp "$here/minimize_train.py" "$work/minimize_train.py"
say "reprofix apply minimize_train.py, then reprofix minimize: which changes did its runs need?"
reprofix apply minimize_train.py
reprofix minimize -- python minimize_train.py
reprofix revert
cmp minimize_train.py "$here/minimize_train.py" && echo "minimize_train.py is byte-identical to the original"
