import { expect } from 'chai';
import { TemplateError } from '../../../engine/errors.js';
import { MAX_CONDITION_LENGTH, Templater, evalCondition } from '../../../engine/template/index.js';

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError, got none');
}

describe('conditions (CEL)', () => {
  const where = { file: 'roles/k8s/tasks/main.yml', line: 30, col: 11 };
  const vars = {
    result: { rc: 0, stdout: 'v1.30.2' },
    ansible_facts: { os_family: 'Debian', memtotal_mb: 3900 },
    inventory_hostname: 'm2',
    groups: { etcd: ['m1', 'm2', 'm3'] },
  };

  it('evaluates ints from JS numbers naturally', () => {
    expect(evalCondition('result.rc == 0', vars)).to.equal(true);
    expect(evalCondition('result.rc != 0', vars)).to.equal(false);
    expect(evalCondition('ansible_facts.memtotal_mb / 1024 == 3', vars)).to.equal(true);
  });

  it('a list means all must hold; a boolean is itself', () => {
    expect(evalCondition(['inventory_hostname in groups.etcd', 'ansible_facts.os_family == "Debian"'], vars)).to.equal(true);
    expect(evalCondition(['inventory_hostname in groups.etcd', 'result.rc == 1'], vars)).to.equal(false);
    expect(evalCondition(false, vars)).to.equal(false);
  });

  it('stops at the first false item of a list (later items are not evaluated)', () => {
    expect(evalCondition(['false', 'undefined_var == 1'], vars)).to.equal(false);
  });

  it('turns an undefined variable into a TemplateError with the expression and position', () => {
    const e = errorOf(() => evalCondition('resutl.rc == 0', vars, where));
    expect(e.message).to.include('Unknown variable: resutl');
    expect(e.message).to.include('resutl.rc == 0');
    expect(e.location()).to.equal('roles/k8s/tasks/main.yml:30:11');
  });

  it('refuses a non-boolean result', () => {
    expect(errorOf(() => evalCondition('result.stdout', vars, where)).message).to.include('gave string, not a boolean');
  });

  it('refuses {{ }} with a message saying conditions are bare CEL', () => {
    const e = errorOf(() => evalCondition('{{ result.rc == 0 }}', vars, where));
    expect(e.message).to.include('bare CEL expressions');
  });

  it('refuses an expression over the length limit before parsing it', () => {
    const long = `${'true && '.repeat(MAX_CONDITION_LENGTH / 8)}true`;
    expect(errorOf(() => evalCondition(long, vars)).message).to.include(`limit is ${MAX_CONDITION_LENGTH}`);
  });

  it('bounds nesting depth', () => {
    const deep = `${'('.repeat(200)}true${')'.repeat(200)}`;
    expect(errorOf(() => evalCondition(deep, vars)).message).to.include('invalid condition');
  });

  it('finishes a macro over a large list quickly', () => {
    const big = { xs: Array.from({ length: 100_000 }, (_, i) => i) };
    const t0 = Date.now();
    expect(evalCondition('xs.exists(x, x == 99999) && xs.all(x, x >= 0)', big)).to.equal(true);
    expect(Date.now() - t0).to.be.below(5000);
  });

  it('never changes the variables', () => {
    const v = { a: { n: 1, l: [1, 2] } };
    evalCondition('a.n + 1 == 2 && a.l.map(x, x * 2) == [2, 4]', v);
    expect(v).to.deep.equal({ a: { n: 1, l: [1, 2] } });
    expect(typeof v.a.n).to.equal('number');
  });

  it('Templater.evalCondition caches the parse and sees new values each time', () => {
    const t = new Templater();
    expect(t.evalCondition('result.rc == 0', { result: { rc: 0 } })).to.equal(true);
    expect(t.evalCondition('result.rc == 0', { result: { rc: 2 } })).to.equal(false);
  });

  it('sees a change made to the same object between evaluations', () => {
    const t = new Templater();
    const v = { result: { rc: 0 } };
    expect(t.evalCondition('result.rc == 0', v)).to.equal(true);
    v.result.rc = 1;
    expect(t.evalCondition('result.rc == 0', v)).to.equal(false);
  });
});
