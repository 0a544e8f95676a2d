#!/usr/bin/env bash
# Benchmark: hosts per second paging 20,000 hosts from the fake server, this
# client next to Check Point's Python SDK (cp-mgmt-api-sdk from PyPI,
# installed into target/python-sdk), in one run. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-sdk
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet cp-mgmt-api-sdk
fi
cargo run -q --release -p tests --example bench_paging -- "$venv/bin/python"
