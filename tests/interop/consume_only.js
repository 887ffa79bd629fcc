'use strict';
// Consumes every message of a topic from the first offset with the ali-ons client and prints
// one JSON line with what arrived (used to show that ali-ons reads from a slave whose master
// is down; interop.js produces and consumes).
// Usage: node consume_only.js <namesrv host:port> <topic> <expected count> <consumer group>
// Exit code 0 once <expected count> distinct messages arrived, 1 after 15 s without them.
const assert = require('assert');
const { Consumer } = require('ali-ons');

const [nameSrv, topic, expectedText, group] = process.argv.slice(2);
const expected = Number(expectedText);
assert(nameSrv && topic && expected > 0 && group,
  'usage: node consume_only.js <namesrv> <topic> <expected count> <consumer group>');

const quiet = { info() {}, warn() {}, debug() {}, error(e) { console.error(String(e && e.stack || e)); } };

async function main() {
  const received = new Map();  // msgId -> body
  const consumer = new Consumer({
    nameSrv,
    httpclient: {},
    clientIP: '127.0.0.1',
    logger: quiet,
    consumerGroup: group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceInterval: 1000,
  });
  let deliveries = 0;
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `timed out: received ${received.size} of ${expected}`)), 15000);
    consumer.subscribe(topic, '*', async msg => {
      deliveries++;
      received.set(msg.msgId, msg.body.toString());
      if (received.size === expected) {
        clearTimeout(timer);
        resolve();
      }
    });
    consumer.on('error', err => {
      // ali-ons reports a missing %RETRY% route as an error event; only report real errors.
      if (!/RETRY/.test(String(err && err.message))) console.error('consumer error:', err && err.message);
    });
  });
  await done;
  await consumer.close();
  const bodies = [...received.values()].sort();
  console.log(JSON.stringify({ received: received.size, deliveries, bodies }));
}

main().then(() => process.exit(0), err => {
  console.error(err && err.stack || err);
  process.exit(1);
});
