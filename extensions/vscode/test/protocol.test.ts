import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder, MAX_INBOUND_FRAME } from '../src/protocol';

test('a frame is a little-endian length then UTF-8 JSON', () => {
  const frame = encodeFrame({ type: 'hello', note: 'é' });
  const body = Buffer.from(JSON.stringify({ type: 'hello', note: 'é' }), 'utf8');
  assert.equal(frame.readUInt32LE(0), body.length);
  assert.deepEqual(frame.subarray(4), body);
});

test('frames cut anywhere are reassembled in order', () => {
  const messages = [{ type: 'ack', id: 1 }, { type: 'today', id: 2, text: 'ü'.repeat(1000) }, { type: 'focus' }];
  const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
  for (const size of [1, 3, 7, 4096]) {
    const decoder = new FrameDecoder();
    const out = [];
    for (let i = 0; i < stream.length; i += size) {
      out.push(...decoder.push(stream.subarray(i, i + size)));
    }
    assert.deepEqual(out, messages);
    assert.equal(decoder.pending, 0);
  }
});

test('an incomplete frame waits; a frame over 1 MiB or a non-object is refused', () => {
  const decoder = new FrameDecoder();
  assert.deepEqual(decoder.push(encodeFrame({ type: 'ack' }).subarray(0, 6)), []);
  assert.equal(decoder.pending, 6);
  const huge = Buffer.alloc(4);
  huge.writeUInt32LE(MAX_INBOUND_FRAME + 1, 0);
  assert.throws(() => new FrameDecoder().push(huge), /over the/);
  const array = Buffer.from('[1]');
  const frame = Buffer.concat([Buffer.from([array.length, 0, 0, 0]), array]);
  assert.throws(() => new FrameDecoder().push(frame), /not a message/);
});
