'use strict';
// New record: a record submitted to the form of one page (REST hook record.created, filtered to
// that page; polling pages/records/:page_id/).

const { apiURL, pathID, newestFirst } = require('../lib/client');
const { restHook } = require('../lib/hooks');
const samples = require('../lib/samples');

module.exports = {
  key: 'new_record',
  noun: 'Record',
  display: {
    label: 'New Form Record',
    description: 'Triggers when someone submits the form on a page.',
  },
  operation: {
    inputFields: [
      {
        key: 'page_id',
        label: 'Page',
        required: true,
        dynamic: 'page_list.id.title',
        helpText: 'The page whose form to watch (its id, or choose it).',
      },
    ],
    ...restHook({
      event: 'record.created',
      // A hook receives the records of every form of its subsite; this Zap wants one page's.
      toItem: (record, bundle) => (String(record.page_id) === String(bundle.inputData.page_id).trim() ? record : null),
      performList: async (z, bundle) => {
        const id = pathID(z, bundle.inputData.page_id, 'Page');
        // Without since: newest first.
        const response = await z.request({ url: apiURL(bundle, `pages/records/${id}/`), params: { limit: 100 } });
        return newestFirst(response.data, 'created_at');
      },
    }),
    sample: samples.record,
  },
};
