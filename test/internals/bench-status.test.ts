import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusOf } from '../../bench/lib/status.js';
import { compare, targets } from '../../bench/lib/types.js';
import { formatRatio } from '../../bench/lib/format.js';

const baseline = { label: 'bare Comlink', value: 40 };

test('a scenario without rows, or with a value that is not a number, failed', () => {
  assert.equal(statusOf([]).status, 'failed');
  const nan = statusOf([compare('round trip', 'µs', 'lower', Number.NaN, baseline)]);
  assert.deepEqual(nan, { status: 'failed', reason: '"round trip" is not a finite number' });
  assert.equal(statusOf([compare('round trip', 'µs', 'lower', 50, { label: 'x', value: Number.POSITIVE_INFINITY })]).status, 'failed');
});

test('a scenario whose rows all hold finite numbers is ok', () => {
  assert.equal(statusOf([compare('round trip', 'µs', 'lower', 50, baseline), compare('events/s', 'events/s', 'higher', 1e6)]).status, 'ok');
});

test('ratios and targets: Paddock relative to the baseline', () => {
  const row = compare('round trip', 'µs', 'lower', 50, baseline, targets.ratioAtMost(1.1, '≤ 1.1×'));
  assert.equal(row.ratio, 1.25);
  assert.deepEqual(row.target, { text: '≤ 1.1×', pass: false });
  assert.equal(formatRatio(row), '1.25×');
  const http = compare('round trip', 'µs', 'lower', 40, { label: 'HTTP', value: 800 }, targets.ratioAtMost(1 / 15, '≥ 15× faster'));
  assert.equal(http.target?.pass, true);
  assert.equal(formatRatio(http), '0.050× (20.0× faster)');
  const pool = compare('tasks/s', 'tasks/s', 'higher', 3000, { label: 'bare piscina', value: 4000 }, targets.ratioAtLeast(0.9, '≥ 0.9×'));
  assert.equal(pool.ratio, 0.75);
  assert.deepEqual(pool.target, { text: '≥ 0.9×', pass: false });
});
