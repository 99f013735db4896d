#!/usr/bin/env bash
# The main job on a fresh machine: set up, bring up the local lab, deploy the HA cluster onto it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/engine/cli/main.js lab up
exec node dist/engine/cli/main.js run playbooks/ha-cluster.yml -i inventories/lab "$@"
