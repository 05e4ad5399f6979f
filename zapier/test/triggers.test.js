'use strict';
// Triggers against a real Quire: the polling lists (performList) answer items with an id, newest
// first; each REST hook trigger's perform turns a delivered object into its item; and, once the
// hooks branch is merged (HOOKS_READY), hooks subscribed through the app are delivered end to end
// to an HTTP server of this test on loopback.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const zapier = require('zapier-platform-core');
const App = require('../index');
const { verifyDelivery } = require('../lib/hooks');
const { start, HOOKS_READY } = require('./quire');

const appTester = zapier.createAppTester(App);

const assertNewestFirst = (items, field) => {
  assert.ok(items.length > 0, 'the list has items');
  for (const item of items) {
    assert.ok(item.id !== undefined && item.id !== null && item.id !== '', `every item has an id: ${JSON.stringify(item)}`);
  }
  for (let i = 1; i < items.length; i++) {
    assert.ok(Date.parse(items[i - 1][field]) >= Date.parse(items[i][field]), `newest ${field} first`);
  }
  assert.equal(new Set(items.map((x) => x.id)).size, items.length, 'ids are unique');
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('polling triggers against a real Quire', async (t) => {
  const quire = await start();
  t.after(quire.stop);
  const list = (key, inputData = {}) => appTester(App.triggers[key].operation.performList, { authData: quire.authData, inputData });

  const pages = [];
  for (const title of ['Poll one', 'Poll two', 'Poll three']) {
    pages.push(await quire.api('POST', 'pages/create/', { title, json: [[{ classname: 'Discussion' }]] }));
    await sleep(5); // distinct creation times
  }

  await t.test('new page lists pages, newest first', async () => {
    const items = await list('new_page');
    assertNewestFirst(items, 'created_at');
    assert.deepEqual(items.slice(0, 3).map((p) => p.id), pages.map((p) => p.id).reverse());
    const dropdown = await appTester(App.triggers.page_list.operation.perform, { authData: quire.authData });
    assert.ok(pages.every((p) => dropdown.some((d) => d.id === p.id && d.title === p.title)));
  });

  await t.test('updated page lists changes, newest change first, one id per change', async () => {
    await sleep(1100);
    await quire.api('POST', `pages/update/${pages[0].id}/`, { title: 'Poll one, renamed' });
    const items = await list('updated_page');
    assertNewestFirst(items, 'updated_at');
    assert.equal(items[0].page_id, pages[0].id);
    assert.equal(items[0].title, 'Poll one, renamed');
    assert.equal(items[0].id, `${pages[0].id}-${items[0].updated_at}`);
    await sleep(1100);
    await quire.api('POST', `pages/update/${pages[0].id}/`, { title: 'Poll one, again' });
    const again = await list('updated_page');
    assert.equal(again[0].page_id, pages[0].id);
    assert.notEqual(again[0].id, items[0].id, 'a second change is a new item for Zapier');
  });

  await t.test("a poll follows the list's Link header, within its bound", async () => {
    const { listAll, apiURL } = require('../lib/client');
    const read = (maxPages) =>
      appTester((z, bundle) => listAll(z, apiURL(bundle, 'pages/all/'), {}, { limit: 2, maxPages }), { authData: quire.authData });
    const all = await quire.api('GET', 'pages/all/');
    assert.ok(all.length >= 3);
    assert.deepEqual((await read(10)).map((p) => p.id), all.map((p) => p.id));
    assert.deepEqual((await read(1)).map((p) => p.id), all.slice(0, 2).map((p) => p.id));
  });

  await t.test('new record lists the form page records, newest first', async () => {
    const form = await quire.api('POST', 'pages/create/', { title: 'Poll form', json: [[]] });
    await quire.api('POST', `page/${form.id}/form/create/`, { fields: [{ name: 'name', label: 'Name' }] });
    const made = [];
    for (const name of ['a', 'b', 'c']) {
      made.push(await quire.api('POST', `pages/records/${form.id}/`, { name }));
    }
    const items = await list('new_record', { page_id: String(form.id) });
    assertNewestFirst(items, 'created_at');
    assert.deepEqual(items.map((r) => r.id), made.map((r) => r.id).reverse());
  });

  await t.test("new comment lists a page's posts, or the stream's, newest first", async () => {
    const onPage = [];
    for (const msg of ['one', 'two']) {
      onPage.push(await quire.api('POST', `feed/post/${pages[1].id}/`, { msg }));
    }
    const stream = await quire.api('POST', 'feed/post/', { msg: 'stream' });
    const items = await list('new_comment', { page_id: String(pages[1].id) });
    assertNewestFirst(items, 'created_at');
    assert.deepEqual(items.map((p) => p.id), onPage.map((p) => p.id).reverse());
    const streamItems = await list('new_comment', {});
    assert.deepEqual(streamItems.map((p) => p.id), [stream.id]);
  });

  await t.test("perform takes a delivered object (the API's own answer) and keeps only the Zap's page", async () => {
    const page = await quire.api('GET', `pages/get/${pages[2].id}/`);
    const perform = (key, cleanedRequest, inputData = {}) =>
      appTester(App.triggers[key].operation.perform, { authData: quire.authData, inputData, cleanedRequest });
    assert.deepEqual(await perform('new_page', page), [page]);
    const [updated] = await perform('updated_page', page);
    assert.equal(updated.page_id, page.id);
    const form = (await quire.api('GET', 'pages/all/')).find((p) => p.title === 'Poll form');
    const record = (await quire.api('GET', `pages/records/${form.id}/`))[0];
    assert.deepEqual(await perform('new_record', record, { page_id: String(form.id) }), [record]);
    assert.deepEqual(await perform('new_record', record, { page_id: String(page.id) }), []);
    const post = (await quire.api('GET', `feed/page/${pages[1].id}/`))[0];
    assert.deepEqual(await perform('new_comment', post, { page_id: String(pages[1].id) }), [post]);
    assert.deepEqual(await perform('new_comment', post, {}), [], 'a page post is not a stream post');
  });
});

test('a delivery is checked against its signature and timestamp', () => {
  const z = { errors: zapier.errors };
  const secret = 'whsec_test';
  const content = '{"id":1}';
  const now = 1_800_000_000;
  const sign = (ts, body) => 'sha256=' + crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const bundle = (headers) => ({ subscribeData: { id: 1, secret }, rawRequest: { headers, content } });
  // As Node gives them (lower case) and as Zapier gives them (Http- prefixed).
  verifyDelivery(z, bundle({ 'x-quire-signature': sign(now, content), 'x-quire-timestamp': String(now) }), now);
  verifyDelivery(z, bundle({ 'Http-X-Quire-Signature': sign(now, content), 'Http-X-Quire-Timestamp': String(now) }), now + 60);
  assert.throws(() => verifyDelivery(z, bundle({ 'x-quire-signature': sign(now, '{"id":2}'), 'x-quire-timestamp': String(now) }), now), /not signed/);
  assert.throws(() => verifyDelivery(z, bundle({ 'x-quire-signature': sign(now, content), 'x-quire-timestamp': String(now) }), now + 301), /timestamp/i);
  assert.throws(() => verifyDelivery(z, bundle({ 'x-quire-timestamp': String(now) }), now), /not signed/);
});

// receiver is the Zap's side of a REST hook: an HTTP server on loopback that keeps each delivery.
const receiver = async () => {
  const deliveries = [];
  const waiting = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      deliveries.push({ path: req.url, headers: req.headers, content: body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ok"}');
      waiting.splice(0).forEach((w) => w());
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  // next waits (up to 60 s: the hook worker's retries included) for a delivery that matches.
  const next = async (match) => {
    const deadline = Date.now() + 60000;
    for (;;) {
      const found = deliveries.find(match);
      if (found) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`no matching delivery within 60 s; got ${JSON.stringify(deliveries.map((d) => [d.path, d.headers['x-quire-event']]))}`);
      }
      await new Promise((r) => {
        waiting.push(r);
        setTimeout(r, 250);
      });
    }
  };
  return { url, deliveries, next, close: () => new Promise((r) => server.close(r)) };
};

test('REST hooks delivered end to end through the app [needs the hooks branch]', async (t) => {
  const quire = await start();
  t.after(quire.stop);
  if (!HOOKS_READY) {
    // Skipped only while this Quire has no hooks at all; hooks without the serve flag that
    // lets them reach loopback fail here rather than skip unnoticed.
    const doc = await (await fetch(`${quire.base}/api/v1/openapi.json`)).json();
    assert.ok(!doc.paths['/hooks/subscribe/'], 'hooks/subscribe exists but serve has no --hooks-allow-private');
    t.skip('waiting for the hooks branch (hooks/subscribe and serve --hooks-allow-private); runs once it is merged');
    return;
  }
  const zap = await receiver();
  t.after(zap.close);
  const subscribe = async (key, inputData = {}) => {
    const targetUrl = `${zap.url}/zap/${key}`;
    const hook = await appTester(App.triggers[key].operation.performSubscribe, { authData: quire.authData, targetUrl, inputData });
    assert.ok(Number.isInteger(hook.id));
    assert.equal(hook.target_url, targetUrl);
    assert.match(hook.secret, /^whsec_/);
    return hook;
  };
  // deliver runs the trigger's perform on a delivery, as Zapier does with what its hook URL got.
  const deliver = (key, hook, d, inputData = {}) =>
    appTester(App.triggers[key].operation.perform, {
      authData: quire.authData,
      inputData,
      subscribeData: hook,
      cleanedRequest: JSON.parse(d.content),
      rawRequest: { method: 'POST', headers: d.headers, content: d.content },
    });
  const at = (key, event) => (d) => d.path === `/zap/${key}` && d.headers['x-quire-event'] === event;

  const pageHook = await subscribe('new_page');
  const page = await quire.api('POST', 'pages/create/', { title: 'Hooked page', json: [[{ classname: 'Discussion' }]] });

  await t.test('new page: page.created arrives signed, and perform gives the page', async () => {
    const d = await zap.next(at('new_page', 'page.created'));
    assert.equal(d.headers['content-type'].split(';')[0], 'application/json');
    assert.equal(d.headers['x-quire-hook-id'], String(pageHook.id));
    assert.ok(d.headers['x-quire-delivery']);
    const items = await deliver('new_page', pageHook, d);
    assert.equal(items.length, 1);
    assert.equal(items[0].id, page.id);
    assert.equal(items[0].title, 'Hooked page');
    await assert.rejects(deliver('new_page', pageHook, { ...d, content: d.content.replace('Hooked', 'Forged') }), /not signed/);
  });

  await t.test('updated page, new record and new comment arrive and pass their perform', async () => {
    const updHook = await subscribe('updated_page');
    const form = await quire.api('POST', 'pages/create/', { title: 'Hooked form', json: [[]] });
    await quire.api('POST', `page/${form.id}/form/create/`, { fields: [{ name: 'name', label: 'Name' }] });
    const recHook = await subscribe('new_record', { page_id: String(form.id) });
    const comHook = await subscribe('new_comment', { page_id: String(page.id) });

    await quire.api('POST', `pages/update/${page.id}/`, { title: 'Hooked page, renamed' });
    const record = await quire.api('POST', `pages/records/${form.id}/`, { name: 'Ada' });
    const post = await quire.api('POST', `feed/post/${page.id}/`, { msg: 'hello hooks' });

    const u = await deliver('updated_page', updHook, await zap.next((d) => at('updated_page', 'page.updated')(d) && JSON.parse(d.content).title === 'Hooked page, renamed'));
    assert.equal(u[0].page_id, page.id);
    const r = await deliver('new_record', recHook, await zap.next(at('new_record', 'record.created')), { page_id: String(form.id) });
    assert.deepEqual(r.map((x) => x.id), [record.id]);
    const c = await deliver('new_comment', comHook, await zap.next(at('new_comment', 'comment.created')), { page_id: String(page.id) });
    assert.deepEqual(c.map((x) => [x.id, x.unsafe_c]), [[post.id, 'hello hooks']]);
  });

  await t.test('unsubscribe ends the hook', async () => {
    const out = await appTester(App.triggers.new_page.operation.performUnsubscribe, { authData: quire.authData, subscribeData: pageHook });
    assert.equal(out.success, true);
    const hooks = await quire.api('GET', 'hooks/all/');
    assert.ok(!hooks.some((h) => h.id === pageHook.id && h.active !== false), 'the hook is gone or inactive');
  });
});
