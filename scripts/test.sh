#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up, bring up the lab (root), run unit + e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$(id -u)" = 0 ] && [ "${TSPLAY_NO_LAB:-}" != 1 ]; then
  # CI starts from clean hosts: a fresh clone has no PKI, so hosts changed by earlier runs
  # (certificates from another CA, etcd data) must not be kept
  if [ -n "${CI:-}" ]; then node dist/engine/cli/main.js lab down --wipe; fi
  node dist/engine/cli/main.js lab up >/dev/null
fi
exec npx mocha "$@"
