#!/bin/sh
# Paired runs for the float32 LSTM and GRU at hidden 64, batch 1 (bench/README.md, "Against PyTorch"): ccbound and
# PyTorch in turn, ROUNDS times, so the machine's load moves both alike. One JSON line per run, with the 1-minute
# load average when it started.
#   sh bench/pairs64.sh [ROUNDS]        (default 11)
# PYTHONS: the Pythons with torch to pair with, space separated (default /usr/bin/python3). BASE: a checkout of an
# earlier commit to time as well, in the same rounds (optional; it needs its own node_modules link).
ROUNDS=${1:-11}
PYTHONS=${PYTHONS:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
load() { cut -d' ' -f1 /proc/loadavg; }
i=1
while [ "$i" -le "$ROUNDS" ]; do
  l=$(load)
  r=$(cd "$HERE" && npx tsx bench/forward.ts --only lstm:64:float32,gru:64:float32 | tr -d ' \n')
  echo "{\"round\":$i,\"load\":$l,\"who\":\"ccbound\",\"result\":$r}"
  if [ -n "$BASE" ]; then
    l=$(load)
    r=$(cd "$BASE" && npx tsx bench/forward.ts --only lstm:64:float32,gru:64:float32 | tr -d ' \n')
    echo "{\"round\":$i,\"load\":$l,\"who\":\"base\",\"result\":$r}"
  fi
  for py in $PYTHONS; do
    l=$(load)
    r=$(cd "$HERE" && "$py" bench/pytorch-lstm.py --pair64 2>/dev/null | tr -d '\n')
    echo "{\"round\":$i,\"load\":$l,\"who\":\"$py\",\"result\":$r}"
  done
  i=$((i + 1))
done
