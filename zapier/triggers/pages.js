'use strict';
// Page triggers: new page and updated page (REST hooks page.created and page.updated, each with a
// polling list), and the hidden list that fills the page dropdowns.

const { apiURL, newestFirst, listAll, isoAgo } = require('../lib/client');
const { restHook } = require('../lib/hooks');
const samples = require('../lib/samples');

// How far back the updated-page poll looks, narrowest first: pages/all?since= answers the
// oldest change first, so a narrow window keeps the newest changes within the poll's bound
// (listAll's 5 pages of 100) on a busy wiki; a poll runs every few minutes, so the hour holds
// every change since the last poll. A wider window is read only when a narrower one is empty,
// so that a quiet wiki still has a sample.
const UPDATED_WINDOWS_MS = [60 * 60 * 1000, 24 * 60 * 60 * 1000, 30 * 24 * 60 * 60 * 1000];

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
        let pages = [];
        for (const window of UPDATED_WINDOWS_MS) {
          pages = await listAll(z, apiURL(bundle, 'pages/all/'), { since: isoAgo(window) });
          if (pages.length > 0) {
            break;
          }
        }
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
