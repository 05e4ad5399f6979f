'use strict';
// Page triggers: new page and updated page (REST hooks page.created and page.updated, each with a
// polling list), and the hidden list that fills the page dropdowns.

const { apiURL, newestFirst, listAll, isoAgo } = require('../lib/client');
const { restHook } = require('../lib/hooks');
const samples = require('../lib/samples');

// How far back the updated-page poll looks: a poll runs every few minutes, so a day holds every
// change since the last one with room to spare, and bounds the work on a large wiki.
const UPDATED_WINDOW_MS = 24 * 60 * 60 * 1000;

// An updated page's item id is the page id and its update time ("42-2026-12-01T09:30:00Z"), so
// Zapier, which triggers once per id, triggers on each change; page_id keeps the page's id.
const updateItem = (page) => ({ ...page, id: `${page.id}-${page.updated_at}`, page_id: page.id });

const newPage = {
  key: 'new_page',
  noun: 'Page',
  display: {
    label: 'New Page',
    description: 'Triggers when a page is created.',
  },
  operation: {
    ...restHook({
      event: 'page.created',
      performList: async (z, bundle) => {
        // pages/all without since: newest created first.
        const response = await z.request({ url: apiURL(bundle, 'pages/all/'), params: { limit: 100 } });
        return newestFirst(response.data, 'created_at');
      },
    }),
    sample: samples.page,
  },
};

const updatedPage = {
  key: 'updated_page',
  noun: 'Page',
  display: {
    label: 'Updated Page',
    description: 'Triggers when a page or one of its widgets changes.',
  },
  operation: {
    ...restHook({
      event: 'page.updated',
      toItem: updateItem,
      performList: async (z, bundle) => {
        const pages = await listAll(z, apiURL(bundle, 'pages/all/'), { since: isoAgo(UPDATED_WINDOW_MS) });
        return newestFirst(pages, 'updated_at').map(updateItem);
      },
    }),
    sample: updateItem(samples.page),
  },
};

const pageList = {
  key: 'page_list',
  noun: 'Page',
  display: {
    label: 'Pages',
    description: 'Lists pages for choosing one.',
    hidden: true,
  },
  operation: {
    perform: async (z, bundle) => {
      const response = await z.request({ url: apiURL(bundle, 'pages/all/'), params: { limit: 200 } });
      return response.data;
    },
  },
};

module.exports = { newPage, updatedPage, pageList, updateItem };
