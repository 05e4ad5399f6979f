// The /docs page (app/apidocs): renders the API's OpenAPI document with Scalar, configured from
// the page's JSON <script id="docs-config"> (no inline script, so the page keeps its strict CSP).
//
// Requests sent from the page ("Test Request") go through quireFetch: the session cookie goes
// with same-origin requests only (never to another server a person might type), and an unsafe
// same-origin request carries the session's CSRF token in the header the API reads.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("docs-config").textContent);

  // The page's CSP admits an inline <style> only with the request's nonce. Scalar gives it to its
  // own stylesheet (from <meta property="csp-nonce">), but not to the <style> elements its Vue
  // components and code editor create as they render: every <style> created by script on this
  // page gets it here, as it is created. Markup cannot use it (the parser does not call
  // createElement), so injected HTML stays as refused as on any page.
  var nonce = document.querySelector('meta[property="csp-nonce"]').content;
  var createElement = document.createElement;
  document.createElement = function (tag) {
    var el = createElement.apply(document, arguments);
    if (String(tag).toLowerCase() === "style") {
      el.nonce = nonce;
    }
    return el;
  };
  // Zod, which Scalar bundles, probes for eval (new Function) unless told to run without it; the
  // CSP refuses eval, so tell it (its global configuration, which Zod's config({jitless: true})
  // sets).
  window.__zod_globalConfig = { jitless: true };
  // The CSP refuses style attributes, but not styles set through the CSSOM (element.style).
  // Scalar measures the scrollbar by setting a style attribute: a script's setAttribute("style")
  // becomes the same style set through element.style, which the page admits.
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style" && this.style) {
      this.style.cssText = value;
      return;
    }
    return setAttribute.call(this, name, value);
  };
  var safe = { GET: true, HEAD: true, OPTIONS: true };

  function quireFetch(input, init) {
    var request = new Request(input, init);
    var sameOrigin = new URL(request.url, location.href).origin === location.origin;
    if (sameOrigin && config.csrfToken && !safe[request.method.toUpperCase()]) {
      request.headers.set(config.csrfHeader, config.csrfToken);
    }
    return fetch(request, { credentials: "same-origin" });
  }

  var options = {
    url: config.url,
    customFetch: quireFetch,
    baseServerURL: location.origin,
    // Nothing leaves the site: no fonts from Scalar's CDN (the page's own fonts apply), no proxy
    // for requests, no telemetry, no AI agent or MCP, no developer toolbar.
    withDefaultFonts: false,
    proxyUrl: "",
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: "never",
    showToolbar: "never",
    hideClientButton: true,
    persistAuth: false,
    documentDownloadType: "json",
    operationTitleSource: "summary",
    showOperationId: true,
    defaultOpenFirstTag: false
  };
  if (config.signedIn) {
    options.authentication = { preferredSecurityScheme: "session" };
  }
  function start() {
    window.Scalar.createApiReference("#docs", options);
  }
  // This script runs before Scalar's (both deferred, in the page's order), so that the shims
  // above are in place when Scalar loads; Scalar is there once the document is parsed.
  document.addEventListener("DOMContentLoaded", start);
})();
