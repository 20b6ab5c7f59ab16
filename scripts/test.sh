#!/usr/bin/env bash
# The whole suite in two tiers: unit + integration files in parallel, then the end-to-end
# tier (real processes, some killed on purpose) one file at a time, so kills stay reliable on
# 2 cores. Extra arguments go to both ava runs. Exits non-zero if either tier failed.
cd "$(dirname "$0")/.."
status=0
ava "test/**/*.unit.test.ts" "test/**/*.int.test.ts" "$@" || status=1
ava --concurrency 1 "test/**/*.e2e.test.ts" "$@" || status=1
exit $status
