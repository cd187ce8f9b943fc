#!/bin/sh
# Paired runs of issue 17's search commands (bench/README.md, "Issue 17's done-when"): each command under BASE (a
# built checkout of an earlier commit) and then under this checkout, ROUNDS times, so the machine's load moves both
# alike. One line per run: round, command, who, 1-minute load, exit code, max RSS (KB), wall and user seconds
# (/usr/bin/time), and from the JSON the verdict, the runs and the dedup walk's bytes per state.
#   BASE=/tmp/base sh bench/pairs-search.sh [ROUNDS] > bench/results/searches-final.txt      (default 3 rounds)
# BASE: e.g. `git archive 6d9b295 | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules && (cd
# /tmp/base && npx tsc -p tsconfig.build.json)`. The models are made here, in a scratch directory, by this checkout.
set -eu
ROUNDS=${1:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
: "${BASE:?BASE must be a built checkout to pair with}"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
NEW="node $HERE/bin/ccbound.js"
$NEW random-model --arch lstm --hidden 64 --format float32 --task index-lookup --alphabet 64 --n 1024 --seed 1 > h64.json
$NEW random-model --arch lstm --hidden 8 --format float32 --task index-lookup --n 1024 --seed 1 > h8.json
$NEW random-model --arch lstm --hidden 64 --format float32 --task equality --n 64 --seed 3 > eq64.json
summary() {
  python3 -c "import json;d=json.load(open('out.json'));s=d['search'];print(d['verdict'],s['runs'],(s.get('dedup') or {}).get('bytesPerState','-'))" 2>/dev/null || echo "-"
}
i=1
while [ "$i" -le "$ROUNDS" ]; do
  while IFS='|' read -r name args; do
    for who in base main; do
      if [ "$who" = base ]; then C="node $BASE/bin/ccbound.js"; else C=$NEW; fi
      l=$(cut -d' ' -f1 /proc/loadavg)
      rc=0
      # shellcheck disable=SC2086 # the arguments are words
      /usr/bin/time -o t.txt -f "%M,%e,%U" $C $args > out.json 2>/dev/null || rc=$?
      echo "$i $name $who load=$l rc=$rc rss_kb,wall,user=$(tail -1 t.txt) $(summary)"
    done
  done <<'CMDS'
dedup-h64-b1|check h64.json --task index-lookup --n 1024 --alphabet 64 --strategy dedup --feeds dedup --budget 1 --seed 1 --json
dedup-h64|check h64.json --task index-lookup --n 1024 --alphabet 64 --strategy dedup --feeds dedup --budget 65536 --seed 1 --json
dedup-h64-w1|check h64.json --task index-lookup --n 1024 --alphabet 64 --strategy dedup --feeds dedup --budget 65536 --seed 1 --json --workers 1
dedup-h8-b1|check h8.json --task index-lookup --n 1024 --strategy dedup --feeds dedup --budget 1 --seed 1 --json
dedup-h8|check h8.json --task index-lookup --n 1024 --strategy dedup --feeds dedup --budget 524288 --seed 1 --json
fooling-eq64-w1|check eq64.json --task equality --n 64 --feeds fooling-set --budget 4000 --seed 1 --json --workers 1
fooling-eq64|check eq64.json --task equality --n 64 --feeds fooling-set --budget 4000 --seed 1 --json
rho-eq64-w1|check eq64.json --task equality --n 64 --strategy rho --feeds rho --budget 20000 --max-points 1024 --seed 1 --json --workers 1
CMDS
  i=$((i + 1))
done
