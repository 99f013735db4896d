// The lab's stand-ins (lab/standins, NOT Kubernetes) are as strict as the real binaries: a flag
// the real v1.33 binary does not have stops them (cases in test/cases/standins/flags.json), every
// flag the roles render is one the real binary has, and the kubelet refuses to run with swap on
// unless failSwapOn is false. The stand-ins run as real processes, under the names the
// kube_binaries role installs them as.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';

const standins = () => join(projectRoot(), 'lab', 'standins');

function standin(component: string, args: string[], wrap: string[] = []) {
  const cmd = [...wrap, join(standins(), component), ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function flagList(component: string): Set<string> {
  const text = readFileSync(join(standins(), 'flags', `${component}.txt`), 'utf8');
  return new Set(text.split('\n').filter((l) => l.trim() && !l.startsWith('#')));
}

interface Case { name: string; component: string; args: string[]; exit: number; stderr?: string }
const cases = (JSON.parse(readFileSync(join(projectRoot(), 'test/cases/standins/flags.json'), 'utf8')) as { cases: Case[] }).cases;

describe('lab stand-ins: flags of the real binaries', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = standin(c.component, c.args);
      expect(r.status, r.stdout + r.stderr).to.equal(c.exit);
      if (c.stderr) expect(r.stderr.split('\n')[0]).to.equal(c.stderr);
    });
  }

  it('each flag list names its source and holds flag names only', () => {
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy']) {
      const text = readFileSync(join(standins(), 'flags', `${c}.txt`), 'utf8');
      expect(text, c).to.match(/^# Source: the official command-line reference, https:\/\/kubernetes\.io\/docs\/reference\/command-line-tools-reference\//m);
      const flags = [...flagList(c)];
      expect(flags.length, c).to.be.greaterThan(50);
      expect(flags.filter((f) => !/^[a-z0-9][a-z0-9-]*$/.test(f)), c).to.deep.equal([]);
      for (const f of ['help', 'v', 'version']) expect(flags, c).to.include(f);
    }
  });

  it('accepts every flag the roles give each component (defaults and units), as the real binary would', () => {
    const yml = (p: string) => load(readFileSync(join(projectRoot(), p), 'utf8')) as Record<string, Record<string, unknown>>;
    const kcp = yml('roles/kube_control_plane/defaults/main.yml');
    const kubeletUnit = readFileSync(join(projectRoot(), 'roles/kubelet/templates/kubelet.service.hbs'), 'utf8');
    const proxyUnit = readFileSync(join(projectRoot(), 'roles/kube_proxy/templates/kube-proxy.service.hbs'), 'utf8');
    const given: Record<string, string[]> = {
      'kube-apiserver': Object.keys(kcp.kube_apiserver_default_args),
      'kube-controller-manager': Object.keys(kcp.kube_controller_manager_default_args),
      'kube-scheduler': Object.keys(kcp.kube_scheduler_default_args),
      kubelet: [...kubeletUnit.matchAll(/^\s+--([a-z0-9-]+)=/gm)].map((m) => m[1]),
      'kube-proxy': [...proxyUnit.matchAll(/^\s+--([a-z0-9-]+)=/gm)].map((m) => m[1]),
    };
    for (const [component, flags] of Object.entries(given)) {
      expect(flags.length, component).to.be.greaterThan(component === 'kube-proxy' ? 0 : 2);
      const r = standin(component, [...flags.map((f) => `--${f}=x`), '--v=2', '--version']);
      expect(r.status, `${component}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(/^Kubernetes v1\.33\.\S+\n$/);
      expect(r.stderr).to.contain(`${component} stand-in (not Kubernetes)`);
    }
  });
});

describe('lab stand-ins: the kubelet and swap', function () {
  let dir = '';
  before(function () {
    // /proc/swaps is replaced in a private mount namespace, so no swap is turned on anywhere
    if (process.getuid?.() !== 0 || spawnSync('unshare', ['--mount', 'true']).status !== 0) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-standin-swap-'));
    writeFileSync(join(dir, 'ca.crt'), 'not read before the swap check\n');
    writeFileSync(join(dir, 'swaps-on'), 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                               file\t\t1048572\t\t0\t\t-2\n');
    writeFileSync(join(dir, 'swaps-off'), 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** the kubelet stand-in with `failSwapOn` as given, /proc/swaps as `swaps` */
  function kubelet(swaps: string, failSwapOn: boolean | undefined, extra: string[] = []) {
    const cfg = join(dir, `config-${String(failSwapOn)}.yaml`);
    writeFileSync(cfg, [
      'apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', 'authentication:', '  anonymous:', '    enabled: false',
      '  webhook:', '    enabled: true', '  x509:', `    clientCAFile: ${join(dir, 'ca.crt')}`, 'authorization:', '  mode: Webhook',
      'cgroupDriver: systemd', ...(failSwapOn === undefined ? [] : [`failSwapOn: ${failSwapOn}`]), '',
    ].join('\n'));
    const script = `mount --bind "$1" /proc/swaps && shift && exec "$@"`;
    // a kubeconfig that does not exist: the run stops right after the swap check either way
    return standin('kubelet', [`--config=${cfg}`, `--kubeconfig=${join(dir, 'none.conf')}`, ...extra], ['unshare', '--mount', 'sh', '-c', script, 'sh', join(dir, swaps)]);
  }

  it('refuses to start with swap on (failSwapOn true, and by default)', () => {
    for (const f of [true, undefined]) {
      const r = kubelet('swaps-on', f);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.contain('running with swap on is not supported, please disable swap or set --fail-swap-on flag to false');
      expect(r.stdout).to.contain('swap is on (/swapfile)');
    }
  });

  it('passes the swap check with swap off, or with failSwapOn false (file or flag)', () => {
    for (const [swaps, f, extra] of [['swaps-off', true, []], ['swaps-on', false, []], ['swaps-on', true, ['--fail-swap-on=false']]] as const) {
      const r = kubelet(swaps, f, [...extra]);
      expect(r.stderr, `${swaps} ${f} ${extra}`).not.to.contain('swap on is not supported');
      expect(r.stdout).to.match(/ok: swap is (off|on, allowed by failSwapOn: false)/);
      // it goes on to the next check, the kubeconfig, which does not exist here
      expect(r.stdout).to.contain('none.conf: no such file');
    }
    expect(existsSync(join(dir, 'none.conf'))).to.equal(false);
  });
});
