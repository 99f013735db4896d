// Pure: which services hold an old copy of a PKI file (engine/pki/holders.ts), from the times
// systemd and stat print: the decision renew-certs.yml and every converge restart by.
import { expect } from 'chai';
import { parseMtime, parseSystemdUtc, staleHolders, unitsOf, type HolderRow, type UnitStart } from '../../../engine/pki/holders.js';

const rows: HolderRow[] = [
  { path: '/etc/kubernetes/pki/ca.crt', units: ['kube-apiserver', 'kubelet'] },
  { path: '/etc/kubernetes/pki/apiserver.crt', units: ['kube-apiserver'] },
  { path: '/etc/kubernetes/scheduler.conf', units: ['kube-scheduler'] },
  { path: '/etc/kubernetes/admin.conf', units: [] },
];
const at = (text: string): UnitStart => ({ running: true, started: text, startedNs: parseSystemdUtc(text) });

describe('PKI holders (which services hold an old file)', () => {
  it('parses systemctl --timestamp=us+utc and stat %.9Y to nanoseconds', () => {
    expect(parseSystemdUtc('Sun 2026-12-06 13:26:23.249558 UTC')).to.equal(1796563583249558000n);
    expect(parseSystemdUtc('Sun 2026-12-06 13:26:23 UTC')).to.equal(1796563583000000000n);
    expect(parseSystemdUtc('')).to.equal(undefined);
    expect(parseSystemdUtc('Sun 2026-12-06 14:26:23 CET')).to.equal(undefined);
    expect(parseMtime('1796563583.249558001')).to.equal(1796563583249558001n);
    expect(parseMtime('-')).to.equal(undefined);
  });

  it('units in the order the table first names them, or only those asked for', () => {
    expect(unitsOf(rows)).to.deep.equal(['kube-apiserver', 'kubelet', 'kube-scheduler']);
    expect(unitsOf(rows, ['kube-scheduler', 'kubelet'])).to.deep.equal(['kubelet', 'kube-scheduler']);
  });

  it('restarts exactly the running units holding a file that changed after they started', () => {
    const starts = new Map([
      ['kube-apiserver', at('Sun 2026-12-06 13:26:23.249558 UTC')],
      ['kubelet', at('Sun 2026-12-06 13:26:23.249558 UTC')],
      ['kube-scheduler', at('Sun 2026-12-06 13:26:23.249558 UTC')],
    ]);
    const mtimes = new Map<string, bigint | undefined>([
      ['/etc/kubernetes/pki/ca.crt', 1796563000000000000n],
      // written a microsecond after the apiserver started: it holds the old one
      ['/etc/kubernetes/pki/apiserver.crt', 1796563583249559000n],
      // written just before the scheduler started: it read this one
      ['/etc/kubernetes/scheduler.conf', 1796563583249557999n],
    ]);
    const v = staleHolders(rows, unitsOf(rows), starts, mtimes, new Set());
    expect(v.restart).to.deep.equal(['kube-apiserver']);
    expect(v.stale).to.deep.equal([{ unit: 'kube-apiserver', started: 'Sun 2026-12-06 13:26:23.249558 UTC', files: ['/etc/kubernetes/pki/apiserver.crt'] }]);
    expect(v.unknown).to.deep.equal([]);
  });

  it('a unit that is not running holds nothing; an absent file changes nothing', () => {
    const starts = new Map([['kube-apiserver', { running: false, started: '' }]]);
    const mtimes = new Map<string, bigint | undefined>([['/etc/kubernetes/pki/apiserver.crt', 1796563583249559000n]]);
    expect(staleHolders(rows, ['kube-apiserver', 'kubelet'], starts, mtimes, new Set()).restart).to.deep.equal([]);
  });

  it('--check: a file an earlier task changes restarts each running holder', () => {
    const starts = new Map([
      ['kube-apiserver', at('Sun 2026-12-06 13:26:23 UTC')],
      ['kubelet', at('Sun 2026-12-06 13:26:23 UTC')],
    ]);
    const v = staleHolders(rows, ['kube-apiserver', 'kubelet'], starts, new Map(), new Set(['/etc/kubernetes/pki/ca.crt']));
    expect(v.restart).to.deep.equal(['kube-apiserver', 'kubelet']);
  });

  it('a running unit whose start time cannot be read is named, not restarted', () => {
    const starts = new Map([['kube-scheduler', { running: true, started: 'Sun 2026-12-06 14:26:23 CET' }]]);
    const mtimes = new Map<string, bigint | undefined>([['/etc/kubernetes/scheduler.conf', 1n]]);
    const v = staleHolders(rows, ['kube-scheduler'], starts, mtimes, new Set());
    expect(v).to.deep.equal({ restart: [], stale: [], unknown: ['kube-scheduler'] });
  });
});
