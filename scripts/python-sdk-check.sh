#!/usr/bin/env bash
# Checks that the official Python SDK (cp-mgmt-api-sdk, from PyPI) can log
# in, call show-session and log out against the fake server.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-sdk
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet cp-mgmt-api-sdk
fi

cargo build -q -p fake-server
log=$(mktemp)
target/debug/fake-server > "$log" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q '^user=' "$log" && break; sleep 0.1; done
url=$(sed -n 's/^url=//p' "$log")
port=${url##*:}
read -r user password < <(sed -n 's/^user=\([^ ]*\) password=\([^ ]*\).*/\1 \2/p' "$log")
"$venv/bin/python" scripts/python-sdk-check.py "$port" "$user" "$password"
