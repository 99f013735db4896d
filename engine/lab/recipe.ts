// What goes into the base image, and what the hosts' package repository holds. The version
// hashes cover all of it, so any change here builds a new image (or repository) beside the old
// one instead of reusing a stale one.
import { createHash } from 'node:crypto';
import { LAB_HOSTS } from './hosts.js';

export const DEBIAN_RELEASE = 'bookworm';

/** debootstrap --include: what a booted host needs before anything else. */
export const BASE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'python3', 'procps',
  'ca-certificates', 'sudo', 'kmod', 'iptables',
] as const;

/**
 * Not in the image: the hosts start as a fresh Debian host does, and the roles install these
 * with apt from the lab's repository (engine/lab/repo.ts), which holds them with every
 * dependency the base image lacks. A package a role starts to need is added here.
 */
export const ROLE_PACKAGES = [
  'etcd-server', 'etcd-client', 'haproxy', 'keepalived', 'containerd', 'runc',
  'containernetworking-plugins', 'curl', 'openssl', 'iputils-ping', 'kubernetes-client',
  'systemd-timesyncd',
  // day two: metrics and alerts, log forwarding, encrypted backups
  'prometheus', 'prometheus-node-exporter', 'systemd-journal-remote', 'age',
] as const;

/** Bump when the build steps change in a way the package lists do not show. */
export const RECIPE_REVISION = 4; // 4: no role packages in the image; the lab repository is the hosts' only apt source

export interface ImageRecipe {
  release: string;
  basePackages: readonly string[];
  revision: number;
  hosts: readonly { name: string; ip: string }[];
}

export const LAB_RECIPE: ImageRecipe = {
  release: DEBIAN_RELEASE,
  basePackages: BASE_PACKAGES,
  revision: RECIPE_REVISION,
  hosts: LAB_HOSTS,
};

const hash12 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

/** 12 hex digits of sha256 over the recipe; package order does not matter. */
export function imageVersion(recipe: ImageRecipe = LAB_RECIPE): string {
  return hash12({
    release: recipe.release,
    basePackages: [...recipe.basePackages].sort(),
    revision: recipe.revision,
    hosts: recipe.hosts.map((h) => `${h.name}=${h.ip}`),
  });
}

/**
 * The repository's version: its packages and the image it completes (the dependencies it
 * holds are those that image lacks). Package order does not matter.
 */
export function repoVersion(image: string, packages: readonly string[] = ROLE_PACKAGES): string {
  return hash12({ image, packages: [...new Set(packages)].sort() });
}
