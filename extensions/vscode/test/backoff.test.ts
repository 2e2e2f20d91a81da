import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../src/backoff';

test('delays double up to the cap and reset after a stable connection', () => {
  const b = new Backoff({ initialMs: 100, maxMs: 1000, stableMs: 5000 });
  assert.deepEqual([0, 0, 0, 0, 0, 0].map(() => b.next(10)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(b.next(6000), 100, 'a connection that lasted is not a failure streak');
  assert.equal(b.next(10), 200);
});
