// What goes into the base image. The version hash covers all of it, so any change here
// builds a new image beside the old one instead of reusing a stale one.
import { createHash } from 'node:crypto';
import { LAB_HOSTS } from './hosts.js';

export const DEBIAN_RELEASE = 'bookworm';

/** debootstrap --include: what a booted host needs before anything else. */
export const BASE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'python3', 'procps',
  'ca-certificates', 'sudo', 'kmod', 'iptables',
] as const;

/** Installed afterwards in a chroot; their services are left disabled so roles decide. */
export const ROLE_PACKAGES = [
  'etcd-server', 'etcd-client', 'haproxy', 'keepalived', 'containerd', 'runc',
  'containernetworking-plugins', 'curl', 'openssl', 'iputils-ping',
] as const;

/** Bump when the build steps change in a way the package lists do not show. */
export const RECIPE_REVISION = 3; // 3: sshd ClientAlive probes

export interface ImageRecipe {
  release: string;
  basePackages: readonly string[];
  rolePackages: readonly string[];
  revision: number;
  hosts: readonly { name: string; ip: string }[];
}

export const LAB_RECIPE: ImageRecipe = {
  release: DEBIAN_RELEASE,
  basePackages: BASE_PACKAGES,
  rolePackages: ROLE_PACKAGES,
  revision: RECIPE_REVISION,
  hosts: LAB_HOSTS,
};

/** 12 hex digits of sha256 over the recipe; package order does not matter. */
export function imageVersion(recipe: ImageRecipe = LAB_RECIPE): string {
  const canonical = JSON.stringify({
    release: recipe.release,
    basePackages: [...recipe.basePackages].sort(),
    rolePackages: [...recipe.rolePackages].sort(),
    revision: recipe.revision,
    hosts: recipe.hosts.map((h) => `${h.name}=${h.ip}`),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
