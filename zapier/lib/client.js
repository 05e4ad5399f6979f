'use strict';
// The pieces every trigger, action and search shares: where the API is, how its errors become
// Zapier errors, and how a list is read.

// apiURL is the API root of the connection's base URL: "https://wiki.example.com" gives
// "https://wiki.example.com/api/v1/", "https://wiki.example.com/@hr" the subsite hr's
// "https://wiki.example.com/@hr/api/v1/". siteWide drops the subsite, for site-wide endpoints
// (people/invite).
const apiURL = (bundle, path, { siteWide = false } = {}) => {
  let base = String((bundle.authData && bundle.authData.base_url) || '').trim();
  base = base.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  if (siteWide) {
    base = base.replace(/\/@[^/]+$/, '');
  }
  return `${base}/api/v1/${path.replace(/^\/+/, '')}`;
};

// pathID refuses anything but a whole positive number where a URL takes an id, so that a
// mapped value can never point a request at another path.
const pathID = (z, value, name) => {
  const text = String(value === undefined || value === null ? '' : value).trim();
  if (!/^[1-9][0-9]{0,17}$/.test(text)) {
    throw new z.errors.Error(`${name} must be a whole number such as 42, not "${text}"`, 'invalid_input', 400);
  }
  return text;
};

// addToken puts the API key on every request.
const addToken = (request, z, bundle) => {
  if (bundle.authData && bundle.authData.api_key) {
    request.headers['X-Auth-Token'] = bundle.authData.api_key;
  }
  request.headers.Accept = request.headers.Accept || 'application/json';
  return request;
};

// quireErrors turns Quire's JSON errors ({"error", "status", "code", "field", "request_id"})
// into Zapier errors a person can act on: 401 (a wrong, revoked or expired token) marks the
// connection expired and asks to reconnect, 429 and 503 are retried by
// Zapier after Retry-After, any other 4xx/5xx names Quire's message, field and request id.
const quireErrors = (response, z) => {
  if (response.status < 400 || (response.request && response.request.skipThrowForStatus)) {
    return response;
  }
  let body = {};
  try {
    body = JSON.parse(response.content || '{}') || {};
  } catch (e) {
    body = {};
  }
  let message = body.error || `Quire answered ${response.status}`;
  if (body.field) {
    message += ` (field ${body.field})`;
  }
  if (body.request_id) {
    message += ` [request ${body.request_id}]`;
  }
  if (response.status === 401) {
    throw new z.errors.ExpiredAuthError(`${message}: check the API key and the base URL`);
  }
  if (response.status === 429 || response.status === 503) {
    const wait = parseInt(response.getHeader('retry-after') || '60', 10);
    throw new z.errors.ThrottledError(message, Number.isFinite(wait) ? wait : 60);
  }
  throw new z.errors.Error(message, body.code || `http_${response.status}`, response.status);
};

// newestFirst orders items by a time field, newest first, ties by id (higher first), so a
// poll's answer suits Zapier's dedupe whatever order the list endpoint gives.
const newestFirst = (items, field) =>
  items.slice().sort((a, b) => {
    const ta = Date.parse(a[field]) || 0;
    const tb = Date.parse(b[field]) || 0;
    if (ta !== tb) {
      return tb - ta;
    }
    return (Number(b.id) || 0) - (Number(a.id) || 0);
  });

// nextLink reads the URL of rel="next" from a Link header.
const nextLink = (header) => {
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header || '');
  return m ? m[1] : null;
};

// listAll reads a list endpoint, following Link: rel="next" for at most maxPages pages of
// limit items: the bound keeps a poll's work small on a busy wiki.
const listAll = async (z, url, params, { limit = 100, maxPages = 5 } = {}) => {
  const items = [];
  let next = url;
  let query = { ...params, limit };
  for (let i = 0; next && i < maxPages; i++) {
    const response = await z.request({ url: next, params: query });
    items.push(...(response.data || []));
    const link = nextLink(response.getHeader('link'));
    next = link ? new URL(link, next).toString() : null;
    query = {};
  }
  return items;
};

// isoAgo is the ISO 8601 time ms milliseconds ago.
const isoAgo = (ms) => new Date(Date.now() - ms).toISOString();

module.exports = { apiURL, pathID, addToken, quireErrors, newestFirst, listAll, isoAgo, nextLink };
