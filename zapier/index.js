'use strict';
// Quire's Zapier app: triggers, actions and a search over Quire's REST API (see README, "Zapier").

const { version } = require('./package.json');
const { version: platformVersion } = require('zapier-platform-core');

const authentication = require('./lib/authentication');
const { addToken, quireErrors } = require('./lib/client');
const { newPage, updatedPage, pageList } = require('./triggers/pages');
const newRecord = require('./triggers/records');
const newComment = require('./triggers/comments');
const { createPage, addMarkdown, updateText } = require('./creates/pages');
const postComment = require('./creates/discussion');
const submitRecord = require('./creates/records');
const invitePerson = require('./creates/people');
const findPage = require('./searches/pages');

const byKey = (...list) => Object.fromEntries(list.map((x) => [x.key, x]));

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addToken],
  afterResponse: [quireErrors],
  triggers: byKey(newPage, updatedPage, newRecord, newComment, pageList),
  creates: byKey(createPage, addMarkdown, updateText, postComment, submitRecord, invitePerson),
  searches: byKey(findPage),
  searchOrCreates: {
    find_page: {
      key: 'find_page',
      display: { label: 'Find or Create Page', description: 'Finds a page by title, or creates it.' },
      search: 'find_page',
      create: 'create_page',
    },
  },
};
