#!/bin/sh
# Paired runs for issue 17's new architectures at batch 1, float32, 64-token inputs (bench/README.md, "The new
# architectures against their PyTorch references"): `npx tsx bench/arch.ts` and `python bench/pytorch-arch.py` in
# turn, ROUNDS times, so the machine's load moves both alike. One JSON line per run, with the 1-minute load average
# when it started.
#   sh bench/pairs-arch.sh [ROUNDS]        (default 7)
# PYTHONS: the Pythons with torch to pair with, space separated (default /usr/bin/python3). ONLY: a comma-separated
# subset of mamba,linear-attention,s4d,retnet,gpt2,torch-encoder (default all).
ROUNDS=${1:-7}
PYTHONS=${PYTHONS:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
load() { cut -d' ' -f1 /proc/loadavg; }
set -- ${ONLY:+--only "$ONLY"}
i=1
while [ "$i" -le "$ROUNDS" ]; do
  l=$(load)
  r=$(cd "$HERE" && npx tsx bench/arch.ts "$@" | tr -d '\n' | tr -s ' ')
  echo "{\"round\":$i,\"load\":$l,\"who\":\"ccbound\",\"result\":$r}"
  for py in $PYTHONS; do
    l=$(load)
    r=$(cd "$HERE" && "$py" bench/pytorch-arch.py "$@" | tr -d '\n')
    echo "{\"round\":$i,\"load\":$l,\"who\":\"$py\",\"result\":$r}"
  done
  i=$((i + 1))
done
