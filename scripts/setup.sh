#!/usr/bin/env bash
# Installs what tsplay and its tests need on a fresh Debian machine with Node.js 20:
# Debian packages (as root: lab tools, sshd for transport tests, ansible-core for benchmarks and
# the Ansible Vault format tests, Chromium and a font for the browser tests of the HTML run
# report, cron for the crontab the cron module edits)
# and the npm dependencies from the lock file, then builds. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  sh .ci/lab-deps.sh
  export DEBIAN_FRONTEND=noninteractive
  need=""
  for p in openssh-server openssl tmux chromium fonts-dejavu-core cron ansible-core; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
  done
  if [ -n "$need" ]; then apt-get -qq update; apt-get -qq -y install --no-install-recommends $need >/dev/null; fi
  # Debian's kubectl and etcd for the stand-in API tests (unpacked, not installed)
  sh scripts/debian-tools.sh
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run -s build
