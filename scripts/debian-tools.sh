#!/bin/sh
# The Debian kubectl (package kubernetes-client, the one the roles install on the masters) and
# etcd (etcd-server), unpacked for the stand-in API tests (test/unit/standins/): real kubectl
# requests against the lab's stand-in apiserver backed by a real etcd, on the controller.
# Unpacked, not installed: the controller may already have another kubectl at /usr/bin/kubectl,
# and installing etcd-server would start a system etcd. Root only; idempotent and quiet.
set -eu
dir=/var/cache/tsplay/debian-tools
export DEBIAN_FRONTEND=noninteractive
for p in kubernetes-client etcd-server; do
  want=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')
  if [ -z "$want" ] || [ "$want" = "(none)" ]; then apt-get -qq update; want=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p'); fi
  [ "$(cat "$dir/$p/.version" 2>/dev/null)" = "$want" ] && continue
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get -qq download "$p=$want" 2>/dev/null)
  rm -rf "$dir/$p"
  mkdir -p "$dir/$p"
  dpkg-deb -x "$tmp"/*.deb "$dir/$p"
  printf '%s\n' "$want" > "$dir/$p/.version"
  rm -rf "$tmp"
done
