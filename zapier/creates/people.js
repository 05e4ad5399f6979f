'use strict';
// Invite a person: POST people/invite/ on the site-wide URL (site owners' tokens only).

const { apiURL } = require('../lib/client');
const samples = require('../lib/samples');

const yes = (v, dflt) => (v === undefined || v === null || v === '' ? dflt : ['true', 'yes', '1', 'on'].includes(String(v).toLowerCase()));

module.exports = {
  key: 'invite_person',
  noun: 'Person',
  display: {
    label: 'Invite Person',
    description: 'Invites someone to the wiki by email (needs a site owner\'s API key).',
  },
  operation: {
    inputFields: [
      { key: 'email_address', label: 'Email', required: true },
      { key: 'name', label: 'Name', required: false, helpText: 'The part of the address before the @ when empty.' },
      { key: 'auto_join', label: 'Join Open Subsites', type: 'boolean', default: 'yes', required: false, helpText: 'Yes adds them to every subsite that admits newcomers.' },
      { key: 'skip_welcome_email', label: 'Skip Welcome Email', type: 'boolean', default: 'no', required: false },
    ],
    perform: async (z, bundle) => {
      const input = bundle.inputData;
      const body = {
        email_address: input.email_address,
        auto_join: yes(input.auto_join, true),
        skip_welcome_email: yes(input.skip_welcome_email, false),
      };
      if (input.name) {
        body.name = input.name;
      }
      const response = await z.request({ method: 'POST', url: apiURL(bundle, 'people/invite/', { siteWide: true }), body });
      // Quire answers {success, user, subsites}; the step gives the person, with their subsites.
      return { ...response.data.user, subsites: response.data.subsites || [] };
    },
    sample: { ...samples.person, subsites: [] },
  },
};
