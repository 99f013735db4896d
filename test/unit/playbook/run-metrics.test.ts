// The run's counters live in one object (engine/runner/run-metrics.ts): each host's are made once
// and the objects that count (the host's state, the batches of each way it is reached) count into
// them, so what the recap, the API and the bench read is what was counted, over every endpoint.
import { expect } from 'chai';
import { LocalTransport } from '../../../engine/transport/local.js';
import { sh } from '../../../engine/transport/quote.js';
import { RunMetrics } from '../../../engine/runner/run-metrics.js';
import { HostState } from '../../../engine/runner/host-state.js';

describe('run metrics', () => {
  it('counts the reads of every way a host is reached into the host\'s one counter', async () => {
    const metrics = new RunMetrics();
    const h = new HostState('h1', metrics);
    const caches = ['a', 'b'].map((key) => h.endpoint(key, () => new LocalTransport('h1')).factsCache);
    expect(caches[0]).to.not.equal(caches[1]);
    // two reads asked together on the first endpoint share one exec; one more on the second
    await Promise.all([caches[0].batch.exec(sh`true`), caches[0].batch.exec(sh`echo x`)]);
    await caches[1].batch.exec(sh`true`);
    expect(metrics.reads()).to.deep.equal({ h1: { execs: 2, commands: 3 } });
  });

  it('the recap holds the hosts that counted anything, as their states counted it', () => {
    const metrics = new RunMetrics();
    const [a, b] = [new HostState('a', metrics), new HostState('b', metrics)];
    a.stats.ok++;
    a.stats.changed++;
    expect(b.stats.ok).to.equal(0);
    const recap = metrics.recap();
    expect(Object.keys(recap)).to.deep.equal(['a']);
    expect(recap.a).to.equal(a.stats);
    expect(metrics.reads()).to.deep.equal({});
  });

});
