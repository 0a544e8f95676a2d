#!/usr/bin/env bash
# Measures what the generated client costs to build (dependencies prebuilt)
# and what the generator costs to run, and prints a markdown table.
#
#   bash scripts/build-cost.sh
#
# Cold builds remove only generated-client's own artifacts (cargo clean -p),
# so dependencies stay built, as for a downstream crate with a warm cache.
set -euo pipefail
cd "$(dirname "$0")/.."

typical="host,network,group,access,policy"

# Dependencies once, with everything they may need.
cargo build -q -p generated-client --features full,roundtrip
cargo build -q --release -p generator

seconds_and_memory() {
  # Prints "wall seconds, peak resident GB" of a command.
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f s, %.2f GB", $1, $2/1048576}'
}

cold() {
  cargo clean -q -p generated-client
  seconds_and_memory cargo build -q -p generated-client "$@"
}

echo "| build of generated-client (debug, dependencies prebuilt) | time, peak memory |"
echo "| --- | --- |"
echo "| cold, core only (default features) | $(cold) |"
echo "| cold, typical: core + $typical | $(cold --features "$typical") |"
echo "| cold, whole API (--features full) | $(cold --features full) |"
touch generated-client/src/lib.rs
echo "| incremental after touching the crate, whole API | $(seconds_and_memory cargo build -q -p generated-client --features full) |"
echo "| cold, whole API with both serde directions (--features full,roundtrip) | $(cold --features full,roundtrip) |"
echo

best=999
for _ in 1 2 3 4 5; do
  t=$( { /usr/bin/time -f "%e" target/release/generator --quiet >/dev/null; } 2>&1 | tail -1 )
  best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
done
lines=$(cat generated-client/src/generated/*.rs | wc -l)
types=$(cat generated-client/src/generated/*.rs | grep -cE '^pub (struct|enum) ')
echo "| generator and output | figure |"
echo "| --- | --- |"
echo "| regenerating the whole spec (release, best of 5) | ${best} s |"
echo "| generated lines (formatted, all modules) | ${lines} |"
echo "| generated types (structs and enums) | ${types} |"
