import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineChangeClassifier } from '../src/lineChanges';

const code = 'def f(x):\n    return x + 1\n\nprint(f(2))\n';

test('single keystrokes are typing; a newline typed is a typed line', () => {
  const c = new LineChangeClassifier({ quietMs: 300, bulkChars: 40 });
  assert.deepEqual(c.classify(1000, [{ text: 'a', removedLines: 0 }]), { origin: 'typed', added: 0, removed: 0, lines: 0, keys: 1 });
  assert.deepEqual(c.classify(1100, [{ text: '\n    ', removedLines: 0 }]), { origin: 'typed', added: 1, removed: 0, lines: 1, keys: 1 });
  assert.deepEqual(c.classify(1200, [{ text: '', removedLines: 2 }]), { origin: 'typed', added: 0, removed: 2, lines: 0, keys: 1 });
});

test('keystrokes: characters typed, even when the editor delivers several in one event', () => {
  const c = new LineChangeClassifier();
  assert.equal(c.classify(1000, [{ text: 'ms)', removedLines: 0 }]).keys, 3);
  assert.equal(c.classify(1100, [{ text: '\n        ', removedLines: 0 }]).keys, 1, 'Enter and its indentation');
  assert.equal(c.classify(1200, [{ text: '', removedLines: 0 }]).keys, 1, 'a backspace');
  const threeCursors = [0, 1, 2].map(() => ({ text: 'x', removedLines: 0 }));
  assert.equal(c.classify(1300, threeCursors).keys, 1, 'one keystroke at three cursors');
});

test('a multi-line insert equal to the clipboard is a paste', () => {
  const c = new LineChangeClassifier();
  const r = c.classify(5000, [{ text: code, removedLines: 0 }], code.replace(/\n/g, '\r\n'));
  assert.deepEqual(r, { origin: 'pasted', added: 4, removed: 0, lines: 3, keys: 1 });
});

test('a multi-line insert after a quiet spell, not from the clipboard, is AI-inserted', () => {
  const c = new LineChangeClassifier({ quietMs: 300, bulkChars: 40 });
  c.classify(1000, [{ text: 'x', removedLines: 0 }]);
  const r = c.classify(2000, [{ text: code, removedLines: 1 }], 'something else');
  assert.deepEqual(r, { origin: 'ai', added: 4, removed: 1, lines: 3, keys: 0 });
  // A long single-line completion counts too.
  assert.equal(c.classify(3000, [{ text: 'return compute_the_total(items, discount=0.1, rounding=True)', removedLines: 0 }]).origin, 'ai');
});

test('a large insert right after typing (auto-indent, format on type) stays typing', () => {
  const c = new LineChangeClassifier({ quietMs: 300, bulkChars: 40 });
  c.classify(1000, [{ text: ':', removedLines: 0 }]);
  const r = c.classify(1050, [{ text: '\n\n    ', removedLines: 0 }]);
  assert.equal(r.origin, 'typed');
  assert.equal(r.lines, 2);
});

test('isBulk tells when the clipboard is needed', () => {
  const c = new LineChangeClassifier();
  assert.equal(c.isBulk([{ text: 'a', removedLines: 0 }]), false);
  assert.equal(c.isBulk([{ text: 'a\nb\nc', removedLines: 0 }]), true);
});
