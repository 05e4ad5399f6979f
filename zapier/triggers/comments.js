'use strict';
// New comment: a post in one page's discussion, or, without a page, in the subsite's activity
// stream (REST hook comment.created, filtered to that page or the stream; polling feed/page/:id/
// or feed/all/).

const { apiURL, pathID, newestFirst } = require('../lib/client');
const { restHook } = require('../lib/hooks');
const samples = require('../lib/samples');

const wanted = (bundle) => {
  const id = String(bundle.inputData.page_id === undefined || bundle.inputData.page_id === null ? '' : bundle.inputData.page_id).trim();
  return id === '' ? null : id;
};

module.exports = {
  key: 'new_comment',
  noun: 'Comment',
  display: {
    label: 'New Comment',
    description: "Triggers when someone posts in a page's discussion or in the subsite's stream.",
  },
  operation: {
    inputFields: [
      {
        key: 'page_id',
        label: 'Page',
        required: false,
        dynamic: 'page_list.id.title',
        helpText: "The page whose discussion to watch; leave empty for the subsite's activity stream.",
      },
    ],
    ...restHook({
      event: 'comment.created',
      toItem: (post, bundle) => {
        const want = wanted(bundle);
        const got = post.page_id === null || post.page_id === undefined ? null : String(post.page_id);
        return got === want ? post : null;
      },
      performList: async (z, bundle) => {
        const want = wanted(bundle);
        const path = want === null ? 'feed/all/' : `feed/page/${pathID(z, want, 'Page')}/`;
        // Without since: newest first.
        const response = await z.request({ url: apiURL(bundle, path), params: { limit: 100 } });
        return newestFirst(response.data, 'created_at');
      },
    }),
    sample: samples.post,
  },
};
