'use strict';
// Submit a form record: POST pages/records/:page_id/, with one input per field of the page's form
// (read from the page, so the Zap editor shows the form's own labels, types and choices).

const { apiURL, pathID } = require('../lib/client');
const samples = require('../lib/samples');

// Inputs of the form's fields are keyed "field__NAME" so that no field name can take the place
// of page_id.
const PREFIX = 'field__';

const zapierType = { number: 'number', textarea: 'text', checkbox: 'boolean' };

// formOf is the page's Form widget, or an error a person can act on.
const formOf = (z, page) => {
  const forms = (page.json || []).flat().filter((w) => w.classname === 'Form');
  if (forms.length === 0) {
    throw new z.errors.Error(`The page "${page.title}" has no form`, 'no_form', 400);
  }
  return forms[0];
};

const fieldInputs = async (z, bundle) => {
  const raw = bundle.inputData.page_id;
  if (raw === undefined || raw === null || String(raw).trim() === '') {
    return [];
  }
  const id = pathID(z, raw, 'Page');
  const response = await z.request({ url: apiURL(bundle, `pages/get/${id}/`) });
  return (formOf(z, response.data).fields || []).map((f) => {
    const input = { key: PREFIX + f.name, label: f.label, required: Boolean(f.required) };
    if (zapierType[f.type]) {
      input.type = zapierType[f.type];
    }
    if (f.type === 'select' && Array.isArray(f.options)) {
      input.choices = f.options;
    }
    if (f.type === 'date') {
      input.helpText = 'A date as YYYY-MM-DD.';
    }
    return input;
  });
};

module.exports = {
  key: 'submit_record',
  noun: 'Record',
  display: {
    label: 'Submit Form Record',
    description: 'Submits a record to the form on a page.',
  },
  operation: {
    inputFields: [
      { key: 'page_id', label: 'Page', required: true, dynamic: 'page_list.id.title', altersDynamicFields: true },
      fieldInputs,
    ],
    perform: async (z, bundle) => {
      const id = pathID(z, bundle.inputData.page_id, 'Page');
      const body = {};
      for (const [key, value] of Object.entries(bundle.inputData)) {
        if (key.startsWith(PREFIX) && value !== undefined && value !== null) {
          body[key.slice(PREFIX.length)] = typeof value === 'string' ? value : String(value);
        }
      }
      const response = await z.request({ method: 'POST', url: apiURL(bundle, `pages/records/${id}/`), body });
      return response.data;
    },
    sample: samples.record,
  },
};
