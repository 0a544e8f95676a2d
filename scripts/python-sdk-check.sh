#!/usr/bin/env bash
# Runs a whole flow of the official Python SDK (cp-mgmt-api-sdk, from PyPI)
# against the fake server, seeded with thousands of hosts (see
# scripts/python-sdk-check.py).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-sdk
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet cp-mgmt-api-sdk
fi

cargo build -q -p fake-server
log=$(mktemp)
hosts=3000
target/debug/fake-server --seed host=$hosts > "$log" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 600); do grep -q '^user=' "$log" && break; sleep 0.1; done
url=$(sed -n 's/^url=//p' "$log")
port=${url##*:}
read -r user password < <(sed -n 's/^user=\([^ ]*\) password=\([^ ]*\).*/\1 \2/p' "$log")
"$venv/bin/python" scripts/python-sdk-check.py "$port" "$user" "$password" "$hosts"
