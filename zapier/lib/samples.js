'use strict';
// Samples of what Quire answers, in the shapes of its OpenAPI document (app/openapi.yaml and the
// fragments in pages/openapi and people/openapi); Zapier shows them before a real item exists.

const user = { id: 1, distinguished_name: 'Ada Lovelace', email: 'ada@example.com' };

const page = {
  id: 42,
  title: 'Holiday rota',
  slug: 'holiday-rota',
  url: 'https://wiki.example.com/@home/holiday-rota',
  subsite_id: 1,
  folder_id: 1,
  category: 'HR/Guides',
  tags: ['hr'],
  is_public: false,
  layout: [[100]],
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-01T09:30:00Z',
  created_by: user,
};

const widget = {
  id: 7,
  version_of_id: null,
  page_id: 42,
  classname: 'Paragraph',
  html: '<p>Hello</p>',
  text: 'Hello',
  format: 'html',
  styleclass: null,
  heading: null,
  column: 0,
  position: 0,
  created_at: '2026-12-01T09:00:00Z',
  created_by: user,
};

const record = {
  id: 3,
  page_id: 42,
  widget_id: 9,
  created_at: '2026-12-01T09:00:00Z',
  created_by: user,
  fields: [{ field: 'Name', name: 'name', value: 'Ada' }],
};

const post = {
  id: 5,
  by: 'Ada Lovelace',
  a: 'https://wiki.example.com/avatar/1.png',
  c: 'Looks good to me',
  unsafe_c: 'Looks good to me',
  page_id: 42,
  author_id: 1,
  created_at: '2026-12-01T09:00:00Z',
};

const person = {
  id: 12,
  distinguished_name: 'Grace Hopper',
  email: 'grace@example.com',
  waiting_invite: true,
  is_owner: false,
};

module.exports = { page, widget, record, post, person };
