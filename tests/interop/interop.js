'use strict';
// Produces messages with tags, keys and properties through our name server and broker with
// the ali-ons client, then consumes them with a consumer group subscribed to two of the three
// tags, and checks that exactly those arrive, byte for byte.
// Usage: node interop.js <namesrv host:port> <topic>
// Exit code 0 on success; prints one JSON line with the counts.
const assert = require('assert');
const { Producer, Consumer, Message } = require('ali-ons');

const [nameSrv, topic] = process.argv.slice(2);
assert(nameSrv && topic, 'usage: node interop.js <namesrv> <topic>');

const quiet = { info() {}, warn() {}, debug() {}, error(e) { console.error(String(e && e.stack || e)); } };
const common = { nameSrv, httpclient: {}, clientIP: '127.0.0.1', logger: quiet };

function makeMessages() {
  const messages = [];
  const tags = ['TagA', 'TagB', 'TagC'];
  for (let i = 0; i < 9; i++) {
    const tag = tags[i % 3];
    const body = i === 4 ? Buffer.from('line '.repeat(1200) + 'end') // > 4096 bytes: compressed
      : Buffer.from(`订单 ${i} hello from ali-ons \u0001`);
    const msg = new Message(topic, tag, body);
    msg.keys = [`order-${i}`, `cust-${i % 2}`];
    msg.properties.color = i % 2 ? 'red' : 'blue';
    messages.push({ msg, tag, body, index: i });
  }
  return messages;
}

async function main() {
  const producer = new Producer({ ...common, producerGroup: 'PID_Interop' });
  await producer.ready();
  const messages = makeMessages();
  const sent = new Map();
  for (const m of messages) {
    const result = await producer.send(m.msg);
    assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
    assert(/^[0-9A-F]{32}$/.test(result.msgId), `msgId ${result.msgId}`);
    sent.set(result.msgId, m);
  }
  await producer.close();

  const wanted = messages.filter(m => m.tag !== 'TagC');
  const received = new Map();
  const consumer = new Consumer({
    ...common,
    consumerGroup: 'GID_Interop',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceInterval: 2000,
  });
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `timed out: received ${received.size} of ${wanted.length}`)), 60000);
    consumer.subscribe(topic, 'TagA || TagB', async msg => {
      const expected = sent.get(msg.msgId);
      assert(expected, `unexpected message ${msg.msgId}`);
      assert.notStrictEqual(msg.tags, 'TagC', 'a TagC message was delivered');
      assert.strictEqual(msg.tags, expected.tag);
      assert(Buffer.compare(msg.body, expected.body) === 0, `body of message ${expected.index} differs`);
      const keys = Array.isArray(msg.keys) ? msg.keys.join(' ') : msg.keys;  // KEYS, space-separated
      assert.strictEqual(keys, `order-${expected.index} cust-${expected.index % 2}`);
      assert.strictEqual(msg.properties.color, expected.index % 2 ? 'red' : 'blue');
      received.set(msg.msgId, expected.index);
      if (received.size === wanted.length) {
        clearTimeout(timer);
        resolve();
      }
    });
    consumer.on('error', err => {
      // ali-ons reports a missing %RETRY% route as an error event; only fail on real errors.
      if (!/RETRY/.test(String(err && err.message))) console.error('consumer error:', err && err.message);
    });
  });
  await done;
  await new Promise(r => setTimeout(r, 1500));  // let a late wrong-tag delivery show up
  await consumer.close();
  console.log(JSON.stringify({ sent: sent.size, wanted: wanted.length, received: received.size }));
}

main().then(() => process.exit(0), err => {
  console.error(err && err.stack || err);
  process.exit(1);
});
