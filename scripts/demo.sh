#!/usr/bin/env bash
# Command 1 of the README: install everything, then run the demo on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
node bin/patchbay.mjs demo
