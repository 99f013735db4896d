#!/usr/bin/env bash
# A screenshot of an HTML run report (tsplay run --report FILE) in headless Chromium, as the
# README shows one: scripts/report-screenshot.sh REPORT.html OUT.png [--full]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/dist/scripts/report-screenshot.js" ] || (cd "$root" && npm run -s build)
exec node "$root/dist/scripts/report-screenshot.js" "$@"
