'use strict';
// API-key authentication: a Quire API token, sent as X-Auth-Token, to the wiki at base_url.
// The connection test is auth/debug, which answers who the token belongs to.

const { apiURL } = require('./client');

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'base_url',
      label: 'Wiki URL',
      required: true,
      type: 'string',
      helpText:
        'The address of your Quire wiki, such as `https://wiki.example.com`; add `/@slug` (`https://wiki.example.com/@hr`) to work in one subsite.',
    },
    {
      key: 'api_key',
      label: 'API Token',
      required: true,
      type: 'password',
      helpText: 'A Quire API token (account settings, or `quire token create`).',
    },
  ],
  test: async (z, bundle) => {
    const response = await z.request({ url: apiURL(bundle, 'auth/debug/') });
    return response.data;
  },
  // The connection's name in Zapier: the person, and the token's name when it has one.
  connectionLabel: (z, bundle) => {
    const debug = bundle.inputData || {};
    const user = debug.user || {};
    const who = user.distinguished_name || user.email || 'Quire';
    const token = debug.token && debug.token.name ? ` (${debug.token.name})` : '';
    return `${who}${token}`;
  },
};
