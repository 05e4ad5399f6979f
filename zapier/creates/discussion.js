'use strict';
// Post to a discussion: feed/post/:page_id/ (the page's discussion) or, without a page,
// feed/post/ (the subsite's activity stream).

const { apiURL, pathID } = require('../lib/client');
const samples = require('../lib/samples');

module.exports = {
  key: 'post_comment',
  noun: 'Comment',
  display: {
    label: 'Post to Discussion',
    description: "Posts a message to a page's discussion, or to the subsite's activity stream.",
  },
  operation: {
    inputFields: [
      {
        key: 'page_id',
        label: 'Page',
        required: false,
        dynamic: 'page_list.id.title',
        helpText: "A page with a discussion; leave empty to post to the subsite's activity stream.",
      },
      { key: 'message', label: 'Message', type: 'text', required: true, helpText: 'Text, at most 20,000 characters; @name mentions a member.' },
    ],
    perform: async (z, bundle) => {
      const raw = bundle.inputData.page_id;
      const empty = raw === undefined || raw === null || String(raw).trim() === '';
      const path = empty ? 'feed/post/' : `feed/post/${pathID(z, raw, 'Page')}/`;
      const response = await z.request({ method: 'POST', url: apiURL(bundle, path), body: { msg: bundle.inputData.message } });
      return response.data;
    },
    sample: samples.post,
  },
};
