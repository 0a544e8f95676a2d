#!/usr/bin/env bash
# How close the generated types are to the real API, measured against the
# development shares in ../shared (never copied into this repository):
#
#   bash scripts/fidelity.sh            # every figure but the build cost
#   bash scripts/fidelity.sh --build    # and scripts/build-cost.sh
#
# Prints, one block each: request nesting (../shared/nesting/score.py on the
# OpenAPI export), placement of real answers' key paths
# (../shared/real-dev/placement.py), a decode of every real answer with the
# generated types, the examples-held-out measure, counter-named types, and
# types and generated lines. Figures, not a verdict: exit 0 unless a step
# cannot run (a missing ../shared is said and skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

shared=../shared
out=target/fidelity
mkdir -p "$out"

cargo build -q --release -p generator
target/release/generator openapi >"$out/openapi.json"

if [ -f "$shared/nesting/score.py" ]; then
  echo "== request nesting (../shared/nesting, dev half)"
  python3 "$shared/nesting/score.py" "$out/openapi.json" --worst 5
else
  echo "== request nesting: $shared/nesting is missing, skipped"
fi

if [ -d "$shared/real-dev/samples" ]; then
  echo
  echo "== real answers' key paths (../shared/real-dev)"
  python3 "$shared/real-dev/placement.py" "$out/openapi.json" "$shared/real-dev/samples" --worst 5
  echo
  echo "== real answers decoded with the generated types"
  # Exit 1 means some sample does not decode: a figure to print, not a
  # reason to stop measuring.
  cargo run -q -p generated-client --features full,registry --example decode_samples -- \
    "$shared/real-dev/samples" | tail -n 20 || true
else
  echo "== real answers: $shared/real-dev is missing, skipped"
fi

echo
echo "== examples held out (each command's own examples left out)"
target/release/generator report | grep -E '^(Example paths|The same with)'

echo
echo "== counter-named types (a name that is another type's name plus a number)"
python3 - "$out/openapi.json" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
names = set(doc["components"]["schemas"])
# A number the wire writes itself (`service-icmp6`, `subnet4`) is not a counter.
wire = " ".join(doc["paths"]) + " " + json.dumps(doc["components"]["schemas"])
def counter(name):
    m = re.fullmatch(r"(.*?)([A-Z][a-z]*)(\d+)", name)
    if not m or m.group(1) + m.group(2) not in names:
        return False
    return (m.group(2) + m.group(3)).lower() not in wire.lower()
counted = sorted(filter(counter, names))
print(f"{len(counted)} counter-named types" + (": " + ", ".join(counted) if counted else ""))
EOF

echo
echo "== generated code"
generated=generated-client/src/generated
echo "$(cat $generated/*.rs | wc -l) lines in $(ls $generated/*.rs | wc -l) modules;" \
  "$(cat $generated/*.rs | grep -cE '^pub struct ') structs, $(cat $generated/*.rs | grep -cE '^pub enum ') enums," \
  "$(cat $generated/*.rs | grep -cE '^pub type ') aliases"

if [ "${1:-}" = "--build" ]; then
  echo
  echo "== build cost"
  bash scripts/build-cost.sh
fi
