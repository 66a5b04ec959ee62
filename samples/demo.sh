#!/usr/bin/env bash
# The main job on the sample, in a scratch copy: two differing runs, the dry-run diff, apply, two
# identical runs, revert, and proof that the file is back byte for byte.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/mindspore_train.py" "$work/train.py"
cd "$work"
export GLOG_v=3  # MindSpore: errors only

losses() { python train.py --steps 2 2>/dev/null | grep "loss is"; }
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "two runs of the original script: the losses differ"
losses; losses
say "reprofix apply --dry-run train.py: the exact change, nothing written"
reprofix apply --dry-run train.py
say "reprofix apply train.py"
reprofix apply train.py
say "two runs of the rewritten script: the losses agree"
losses; losses
say "reprofix revert"
reprofix revert
cmp train.py "$here/mindspore_train.py" && echo "train.py is byte-identical to the original"
