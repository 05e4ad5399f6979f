'use strict';
// Page actions: create a page, add Markdown to a page, update a text widget.

const { apiURL, pathID } = require('../lib/client');
const samples = require('../lib/samples');

const tagList = (value) =>
  (Array.isArray(value) ? value : String(value || '').split(','))
    .map((t) => String(t).trim())
    .filter((t) => t !== '');

const createPage = {
  key: 'create_page',
  noun: 'Page',
  display: {
    label: 'Create Page',
    description: 'Creates a page, with text and optionally a discussion.',
  },
  operation: {
    inputFields: [
      { key: 'title', label: 'Title', required: true, helpText: 'One line, at most 200 characters.' },
      { key: 'content', label: 'Content', type: 'text', required: false, helpText: 'The text of the page.' },
      {
        key: 'format',
        label: 'Content Format',
        choices: { text: 'Plain text', html: 'HTML' },
        default: 'text',
        required: false,
      },
      { key: 'path', label: 'Folder', required: false, helpText: 'A folder path such as HR/Guides; missing folders are made.' },
      { key: 'tags', label: 'Tags', list: true, required: false },
      {
        key: 'discussion',
        label: 'Add a Discussion',
        type: 'boolean',
        default: 'no',
        required: false,
        helpText: 'Yes gives the page a discussion that people (and the Post to Discussion action) can post to.',
      },
    ],
    perform: async (z, bundle) => {
      const input = bundle.inputData;
      const column = [];
      if (input.content !== undefined && String(input.content) !== '') {
        column.push({ classname: 'Paragraph', val: String(input.content), format: input.format === 'html' ? 'html' : 'text' });
      }
      if (['true', 'yes', '1', 'on'].includes(String(input.discussion).toLowerCase())) {
        column.push({ classname: 'Discussion' });
      }
      const body = { title: input.title, json: [column] };
      if (input.path) {
        body.path = input.path;
      }
      const tags = tagList(input.tags);
      if (tags.length) {
        body.tags = tags;
      }
      const response = await z.request({ method: 'POST', url: apiURL(bundle, 'pages/create/'), body });
      return response.data;
    },
    sample: samples.page,
  },
};

const addMarkdown = {
  key: 'add_markdown',
  noun: 'Widget',
  display: {
    label: 'Add Markdown to Page',
    description: 'Appends headings and text, written in Markdown, to a page.',
  },
  operation: {
    inputFields: [
      { key: 'page_id', label: 'Page', required: true, dynamic: 'page_list.id.title' },
      { key: 'markdown', label: 'Markdown', type: 'text', required: true, helpText: 'CommonMark and GitHub tables, task lists and strikethrough.' },
    ],
    perform: async (z, bundle) => {
      const id = pathID(z, bundle.inputData.page_id, 'Page');
      const response = await z.request({
        method: 'POST',
        url: apiURL(bundle, `page/${id}/markdown/create/`),
        body: { val: bundle.inputData.markdown },
      });
      // Quire answers one widget as an object and several as a list; a Zap step gives one
      // object: the first widget, with every widget made under "widgets".
      const widgets = Array.isArray(response.data) ? response.data : [response.data];
      return { ...widgets[0], widget_count: widgets.length, widgets };
    },
    sample: { ...samples.widget, widget_count: 1, widgets: [samples.widget] },
  },
};

const updateText = {
  key: 'update_text_widget',
  noun: 'Widget',
  display: {
    label: 'Update Text Widget',
    description: 'Replaces the text of a text widget on a page, as a new version.',
  },
  operation: {
    inputFields: [
      { key: 'page_id', label: 'Page', required: true, dynamic: 'page_list.id.title' },
      { key: 'widget_id', label: 'Widget ID', required: true, helpText: 'The id of the text widget (any of its versions).' },
      { key: 'content', label: 'Content', type: 'text', required: true },
      { key: 'format', label: 'Content Format', choices: { text: 'Plain text', html: 'HTML' }, default: 'text', required: false },
    ],
    perform: async (z, bundle) => {
      const pageID = pathID(z, bundle.inputData.page_id, 'Page');
      const widgetID = pathID(z, bundle.inputData.widget_id, 'Widget ID');
      const response = await z.request({
        method: 'POST',
        url: apiURL(bundle, `page/${pageID}/paragraph/update/${widgetID}/`),
        body: { val: bundle.inputData.content, format: bundle.inputData.format === 'html' ? 'html' : 'text' },
      });
      return response.data;
    },
    sample: samples.widget,
  },
};

module.exports = { createPage, addMarkdown, updateText };
