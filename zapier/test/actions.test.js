'use strict';
// Every action and the search against a real Quire, each checked by reading back through the API.

const test = require('node:test');
const assert = require('node:assert/strict');
const zapier = require('zapier-platform-core');
const App = require('../index');
const { start } = require('./quire');

const appTester = zapier.createAppTester(App);

test('actions and search against a real Quire', async (t) => {
  const quire = await start();
  t.after(quire.stop);
  const run = (op, inputData) => appTester(op.operation.perform, { authData: quire.authData, inputData });
  const { creates, searches } = App;

  let page;
  await t.test('create page makes the page with its text, folder, tags and discussion', async () => {
    page = await run(creates.create_page, {
      title: 'Zapier release notes',
      content: 'First line\nsecond line',
      format: 'text',
      path: 'Zapier/Notes',
      tags: ['release', ' zapier '],
      discussion: 'yes',
    });
    assert.ok(Number.isInteger(page.id));
    const got = await quire.api('GET', `pages/get/${page.id}/`);
    assert.equal(got.title, 'Zapier release notes');
    assert.equal(got.category, 'Zapier/Notes');
    assert.deepEqual(got.tags.slice().sort(), ['release', 'zapier']);
    const widgets = got.json.flat();
    assert.deepEqual(widgets.map((w) => w.classname), ['Paragraph', 'Discussion']);
    assert.match(widgets[0].text, /First line\s+second line/);
  });

  await t.test('create page with HTML content and nothing else', async () => {
    const p = await run(creates.create_page, { title: 'HTML page', content: '<p>Hello <strong>there</strong></p>', format: 'html' });
    const got = await quire.api('GET', `pages/get/${p.id}/`);
    assert.match(got.json.flat()[0].html, /<strong>there<\/strong>/);
    const bare = await run(creates.create_page, { title: 'Empty page' });
    assert.deepEqual((await quire.api('GET', `pages/get/${bare.id}/`)).json.flat(), []);
  });

  await t.test('add Markdown appends a heading and text to the page', async () => {
    const out = await run(creates.add_markdown, { page_id: String(page.id), markdown: '## Changes\n\nNow with *hooks*.' });
    assert.equal(out.widget_count, 2);
    assert.equal(out.id, out.widgets[0].id);
    const widgets = (await quire.api('GET', `pages/get/${page.id}/`)).json.flat();
    const heading = widgets.find((w) => w.classname === 'Heading');
    assert.equal(heading.text, 'Changes');
    assert.ok(widgets.some((w) => w.classname === 'Paragraph' && /<em>hooks<\/em>/.test(w.html)));
  });

  await t.test('update text widget saves a new version of the paragraph', async () => {
    const paragraph = (await quire.api('GET', `pages/get/${page.id}/`)).json.flat().find((w) => w.classname === 'Paragraph');
    const out = await run(creates.update_text_widget, {
      page_id: page.id,
      widget_id: paragraph.id,
      content: 'Rewritten by Zapier',
      format: 'text',
    });
    assert.equal(out.text, 'Rewritten by Zapier');
    const got = await quire.api('GET', `page/${page.id}/paragraph/get/${paragraph.id}/`);
    assert.equal(got.text, 'Rewritten by Zapier');
    assert.equal(got.id, out.id);
  });

  await t.test("post to discussion posts on the page's discussion, or to the stream without a page", async () => {
    const post = await run(creates.post_comment, { page_id: page.id, message: 'Shipped <today> @ada' });
    const posts = await quire.api('GET', `feed/page/${page.id}/`);
    assert.equal(posts[0].id, post.id);
    assert.equal(posts[0].unsafe_c, 'Shipped <today> @ada');
    const stream = await run(creates.post_comment, { page_id: '', message: 'To everyone' });
    assert.equal(stream.page_id, null);
    assert.equal((await quire.api('GET', 'feed/all/'))[0].id, stream.id);
  });

  await t.test("submit form record: the inputs are the form's fields, and the record is stored", async () => {
    const formPage = await quire.api('POST', 'pages/create/', { title: 'Room booking', json: [[]] });
    await quire.api('POST', `page/${formPage.id}/form/create/`, {
      fields: [
        { name: 'name', label: 'Name', required: true },
        { name: 'room', label: 'Room', type: 'select', options: ['North', 'South'] },
        { name: 'people', label: 'People', type: 'number' },
        { name: 'page_id', label: 'A field named page_id', type: 'text' },
      ],
    });
    const fields = await appTester(App.creates.submit_record.operation.inputFields[1], {
      authData: quire.authData,
      inputData: { page_id: String(formPage.id) },
    });
    assert.deepEqual(
      fields.map((f) => [f.key, f.label, f.required, f.type, f.choices]),
      [
        ['field__name', 'Name', true, undefined, undefined],
        ['field__room', 'Room', false, undefined, ['North', 'South']],
        ['field__people', 'People', false, 'number', undefined],
        ['field__page_id', 'A field named page_id', false, undefined, undefined],
      ],
    );
    const record = await run(creates.submit_record, {
      page_id: String(formPage.id),
      field__name: 'Grace',
      field__room: 'South',
      field__people: 4,
      field__page_id: 'kept apart',
    });
    const records = await quire.api('GET', `pages/records/${formPage.id}/`);
    assert.equal(records[0].id, record.id);
    assert.deepEqual(
      Object.fromEntries(records[0].fields.map((f) => [f.name, f.value])),
      { name: 'Grace', room: 'South', people: '4', page_id: 'kept apart' },
    );
    await assert.rejects(run(creates.submit_record, { page_id: String(formPage.id), field__room: 'East' }), /field/);
    await assert.rejects(
      appTester(App.creates.submit_record.operation.inputFields[1], { authData: quire.authData, inputData: { page_id: page.id } }),
      /has no form/,
    );
  });

  await t.test('invite person adds a person waiting for their invitation and queues the mail', async () => {
    const person = await run(creates.invite_person, { email_address: 'grace@example.com', name: 'Grace Hopper' });
    assert.equal(person.email, 'grace@example.com');
    assert.equal(person.waiting_invite, true);
    const everyone = await quire.api('GET', 'people/all/');
    assert.ok(everyone.some((p) => p.id === person.id && p.distinguished_name === 'Grace Hopper'));
    const mail = await quire.api('GET', 'mail/outbox/');
    assert.ok(mail.some((m) => m.to.includes('grace@example.com')));
  });

  await t.test('invite person works site-wide when the connection is to a subsite', async () => {
    const authData = { ...quire.authData, base_url: `${quire.base}/@home` };
    const person = await appTester(creates.invite_person.operation.perform, {
      authData,
      inputData: { email_address: 'linus@example.com', skip_welcome_email: 'true' },
    });
    assert.equal(person.email, 'linus@example.com');
    const mail = await quire.api('GET', 'mail/outbox/');
    assert.ok(!mail.some((m) => m.to.includes('linus@example.com')));
  });

  await t.test('find page finds a page by its title, exactly or best match, and nothing when none', async () => {
    await run(creates.create_page, { title: 'Zapier release notes archive' });
    // The search index may trail a write by a moment; wait for it as a client would.
    let found = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = await run(searches.find_page, { title: 'zapier RELEASE notes' });
      if (found.length === 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(found.length, 1);
    assert.equal(found[0].id, page.id);
    assert.ok(Array.isArray(found[0].json), 'the page as pages/get answers it');
    assert.deepEqual(await run(searches.find_page, { title: 'release notes' }), []);
    const best = await run(searches.find_page, { title: 'release notes', exact: 'no' });
    assert.equal(best.length, 1);
    assert.match(best[0].title, /release notes/);
    assert.deepEqual(await run(searches.find_page, { title: 'no such thing anywhere' }), []);
  });

  await t.test("Quire's errors reach the Zap with their message, and ids cannot leave their path", async () => {
    await assert.rejects(run(creates.create_page, { title: 'x'.repeat(201) }), (err) => /title/.test(err.message) && /request req_/.test(err.message));
    await assert.rejects(run(creates.add_markdown, { page_id: 999999, markdown: 'x' }), /404|not found|no page/i);
    await assert.rejects(run(creates.add_markdown, { page_id: '1/../../people/delete/1', markdown: 'x' }), /whole number/);
  });
});
