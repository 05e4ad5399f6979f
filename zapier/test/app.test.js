'use strict';
// The app's definition is valid (the routine `zapier validate` runs locally), and the connection
// test (auth/debug) accepts a good token and refuses a bad one, against a real Quire.

const test = require('node:test');
const assert = require('node:assert/strict');
const zapier = require('zapier-platform-core');
const App = require('../index');
const { start, OWNER } = require('./quire');

const appTester = zapier.createAppTester(App);

test('the app definition validates against zapier-platform-schema', async () => {
  // `zapier validate` asks the app's own zapier-platform-core to run its "validate" command
  // (the schema check of zapier-platform-schema); this is that command, without the CLI.
  const handler = zapier.createAppHandler(App);
  const errors = await new Promise((resolve, reject) =>
    handler({ command: 'validate' }, {}, (err, out) => (err ? reject(err) : resolve(out.results))),
  );
  assert.deepEqual(errors, []);
  assert.equal(App.platformVersion, zapier.version);
  assert.deepEqual(Object.keys(App.triggers).sort(), ['new_comment', 'new_page', 'new_record', 'page_list', 'updated_page']);
  assert.deepEqual(Object.keys(App.creates).sort(), [
    'add_markdown', 'create_page', 'invite_person', 'post_comment', 'submit_record', 'update_text_widget',
  ]);
  assert.deepEqual(Object.keys(App.searches), ['find_page']);
});

test('a schema error is found by the same routine', async () => {
  // The check above is not vacuous: an app whose trigger has no noun is refused.
  const broken = { ...App, triggers: { ...App.triggers, new_page: { ...App.triggers.new_page, noun: undefined } } };
  const handler = zapier.createAppHandler(broken);
  const errors = await new Promise((resolve, reject) =>
    handler({ command: 'validate' }, {}, (err, out) => (err ? reject(err) : resolve(out.results))),
  );
  assert.ok(errors.some((e) => /requires property "noun"/.test(e.message)), JSON.stringify(errors));
});

test('authentication against a real Quire', async (t) => {
  const quire = await start();
  t.after(quire.stop);

  await t.test('the connection test (auth/debug) answers the token owner and labels the connection', async () => {
    const debug = await appTester(App.authentication.test, { authData: quire.authData });
    assert.equal(debug.user.email, OWNER);
    const label = App.authentication.connectionLabel({}, { inputData: debug });
    assert.match(label, /^Ada Lovelace/);
  });

  await t.test('a base URL with a trailing slash or /api/v1 works the same', async () => {
    for (const base of [`${quire.base}/`, `${quire.base}/api/v1`, `${quire.base}/@home`]) {
      const debug = await appTester(App.authentication.test, { authData: { ...quire.authData, base_url: base } });
      assert.equal(debug.user.email, OWNER);
    }
  });

  await t.test('a wrong key is refused with a message that says what to check', async () => {
    await assert.rejects(
      appTester(App.authentication.test, { authData: { ...quire.authData, api_key: 'qt_wrong' } }),
      (err) => err.name === 'ExpiredAuthError' && /check the API key and the base URL/.test(err.message),
    );
  });

  await t.test("a token without the scope an action needs gets Quire's message naming it", async () => {
    const authData = { ...quire.authData, api_key: quire.newToken('--scopes', 'read') };
    const debug = await appTester(App.authentication.test, { authData });
    assert.equal(debug.user.email, OWNER);
    await assert.rejects(
      appTester(App.creates.create_page.operation.perform, { authData, inputData: { title: 'Not allowed' } }),
      (err) => /scope/i.test(err.message) && /write/.test(err.message),
    );
  });

  await t.test('a rate-limited request is a ThrottledError that Zapier retries after Retry-After', async () => {
    const authData = { ...quire.authData, api_key: quire.newToken('--rate', '1/1h') };
    await appTester(App.authentication.test, { authData });
    await assert.rejects(appTester(App.authentication.test, { authData }), (err) => err.name === 'ThrottledError');
  });
});
