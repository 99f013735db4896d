#!/bin/sh
# Packages the controller needs to run the local lab (engine/lab/prereqs.ts names the program each
# one ships; a unit test keeps the two lists equal): debootstrap builds the base image,
# systemd-nspawn boots the hosts, iproute2 makes the bridge, dbus-daemon is nspawn's system bus,
# ssh/ssh-keygen reach and pin the hosts, apt-get and dpkg-scanpackages (dpkg-dev) make the hosts'
# package repository. `tsplay lab up` run as root installs them too. Idempotent and quiet.
set -eu
export DEBIAN_FRONTEND=noninteractive
PKGS="apt coreutils dbus debootstrap dpkg-dev iproute2 mount openssh-client systemd-container"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get -qq update
  # shellcheck disable=SC2086 # word splitting is wanted: one package per word
  apt-get -qq -y install --no-install-recommends $missing >/dev/null
fi
