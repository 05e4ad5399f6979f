'use strict';
// REST hooks (Zapier's convention; Quire's hooks/subscribe, hooks/unsubscribe). A trigger built
// with restHook subscribes its Zap's target URL to one Quire event when the Zap is turned on,
// unsubscribes when it is turned off, and turns each delivery into the trigger's item.

const crypto = require('crypto');
const { apiURL, pathID } = require('./client');

// Deliveries older or newer than this (by X-Quire-Timestamp) are refused, as Stripe does, so a
// captured delivery cannot be replayed later.
const TOLERANCE_SECONDS = 300;

// header reads a request header from bundle.rawRequest, whose names Zapier may give as sent
// ("X-Quire-Signature") or prefixed with "Http-"; case does not count.
const header = (raw, name) => {
  const want = name.toLowerCase();
  for (const [key, value] of Object.entries((raw && raw.headers) || {})) {
    const k = key.toLowerCase().replace(/_/g, '-');
    if (k === want || k === `http-${want}`) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
};

// verifyDelivery checks X-Quire-Signature (sha256=hex of HMAC-SHA256(secret, timestamp + "." +
// body)) against the secret Quire gave at subscribe, when the raw request and the secret are
// both at hand; a delivery that fails is an error and triggers nothing.
const verifyDelivery = (z, bundle, nowSeconds = Math.floor(Date.now() / 1000)) => {
  const secret = bundle.subscribeData && bundle.subscribeData.secret;
  const raw = bundle.rawRequest;
  if (!secret || !raw || typeof raw.content !== 'string') {
    return;
  }
  const signature = header(raw, 'X-Quire-Signature') || '';
  const timestamp = header(raw, 'X-Quire-Timestamp') || '';
  if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    throw new z.errors.Error('This delivery has no recent X-Quire-Timestamp; ignored', 'invalid_signature', 400);
  }
  const want = 'sha256=' + crypto.createHmac('sha256', secret).update(`${timestamp}.${raw.content}`).digest('hex');
  const a = Buffer.from(signature);
  const b = Buffer.from(want);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    throw new z.errors.Error('This delivery is not signed with the hook\'s secret; ignored', 'invalid_signature', 400);
  }
};

// restHook gives the operation keys of a REST hook trigger for event. toItem maps a delivered
// object to the trigger's item, or null to skip it (a record of another page); performList is
// the polling list, used for samples and when hooks cannot be used.
const restHook = ({ event, toItem = (x) => x, performList }) => ({
  type: 'hook',
  performSubscribe: async (z, bundle) => {
    const response = await z.request({
      method: 'POST',
      url: apiURL(bundle, 'hooks/subscribe/'),
      body: { target_url: bundle.targetUrl, event },
    });
    return response.data;
  },
  performUnsubscribe: async (z, bundle) => {
    const id = pathID(z, bundle.subscribeData && bundle.subscribeData.id, 'the hook id');
    const response = await z.request({ method: 'POST', url: apiURL(bundle, `hooks/unsubscribe/${id}/`) });
    return response.data;
  },
  perform: (z, bundle) => {
    verifyDelivery(z, bundle);
    const item = toItem(bundle.cleanedRequest, bundle);
    return item ? [item] : [];
  },
  performList,
});

module.exports = { restHook, verifyDelivery, header, TOLERANCE_SECONDS };
