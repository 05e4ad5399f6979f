'use strict';
// Find page by title. search/query rather than pages/all: pages/all filters by tag and folder only,
// so finding a title there means reading every page of the subsite, while search/query looks the
// title up in Quire's index (cat=Page) and ranks pages whose whole title is the query first.
// The page found is read with pages/get so that the step gives the same page as the triggers.

const { apiURL, pathID } = require('../lib/client');
const samples = require('../lib/samples');

const same = (a, b) => String(a).trim().localeCompare(String(b).trim(), undefined, { sensitivity: 'base' }) === 0;

module.exports = {
  key: 'find_page',
  noun: 'Page',
  display: {
    label: 'Find Page',
    description: 'Finds a page by its title.',
  },
  operation: {
    inputFields: [
      { key: 'title', label: 'Title', required: true },
      {
        key: 'exact',
        label: 'Exact Title Only',
        type: 'boolean',
        default: 'yes',
        required: false,
        helpText: 'Yes finds only a page titled exactly so (case and accents aside); no takes the best match.',
      },
    ],
    perform: async (z, bundle) => {
      const title = String(bundle.inputData.title || '').trim();
      if (title === '') {
        return [];
      }
      const response = await z.request({
        url: apiURL(bundle, 'search/query/'),
        params: { q: title, cat: 'Page', limit: 20 },
      });
      const results = (response.data.results || []).filter((r) => r.cat === 'Page');
      const exact = !['false', 'no', '0', 'off'].includes(String(bundle.inputData.exact).toLowerCase());
      const hit = exact ? results.find((r) => same(r.title, title)) : results[0];
      if (!hit) {
        return [];
      }
      const page = await z.request({ url: apiURL(bundle, `pages/get/${pathID(z, hit.id, 'Page')}/`) });
      return [page.data];
    },
    sample: samples.page,
  },
};
