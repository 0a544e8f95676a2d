#!/usr/bin/env bash
# Validates the OpenAPI export with an independent validator
# (openapi-spec-validator, from PyPI, installed into target/python-openapi).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-openapi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet openapi-spec-validator
fi
cargo run -q -p generator -- openapi --quiet > target/openapi.json
"$venv/bin/python" - target/openapi.json <<'PY'
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts  # noqa: F401  (the package is present)
with open(sys.argv[1]) as f:
    document = json.load(f)
validate(document)
print(f"openapi: valid OpenAPI {document['openapi']} with {len(document['paths'])} paths "
      f"and {len(document['components']['schemas'])} schemas")
PY
