// The google.script.run / google.script.host stand-in injected into each sidebar: calls go to
// POST /rpc/<fn> and come back through the same handlers Apps Script would call. A server
// function that throws reaches the failure handler with its message, as in Apps Script.

const SHIM = `
(function () {
  'use strict';
  function fail(handlers, message, name) {
    var err = new Error(message);
    err.name = name || 'ScriptError';
    if (handlers.failure) handlers.failure(err, handlers.userObject);
    else console.error(err);
  }
  function call(name, args, handlers) {
    var body;
    try { body = JSON.stringify({ args: args }); } catch (e) { return fail(handlers, 'Invalid argument: ' + e.message); }
    fetch('/rpc/' + encodeURIComponent(name), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body })
      .then(function (res) { return res.json(); })
      .then(function (reply) {
        if (reply && reply.ok) { if (handlers.success) handlers.success(reply.value, handlers.userObject); }
        else fail(handlers, reply && reply.error ? reply.error.message : 'Unknown error', reply && reply.error ? reply.error.name : undefined);
      }, function () { fail(handlers, 'NetworkError: Connection failure due to HTTP 0', 'NetworkError'); });
  }
  function runner(handlers) {
    var base = {
      withSuccessHandler: function (f) { return runner(Object.assign({}, handlers, { success: f })); },
      withFailureHandler: function (f) { return runner(Object.assign({}, handlers, { failure: f })); },
      withUserObject: function (o) { return runner(Object.assign({}, handlers, { userObject: o })); }
    };
    return new Proxy(base, {
      get: function (target, prop) {
        if (prop in target || typeof prop !== 'string') return target[prop];
        return function () { call(prop, Array.prototype.slice.call(arguments), handlers); };
      }
    });
  }
  window.google = { script: {
    run: runner({}),
    host: {
      close: function () { window.__rowshotClosed = true; if (window.parent !== window) window.parent.postMessage({ rowshot: 'close' }, '*'); },
      setHeight: function () {}, setWidth: function () {}, editor: { focus: function () {} }
    }
  } };
})();
`;

/** The sidebar HTML with the shim placed before its first script. */
export function injectShim(html: string): string {
  const tag = `<script>${SHIM}</script>\n`;
  const at = html.search(/<script\b/i);
  if (at >= 0) return html.slice(0, at) + tag + html.slice(at);
  const head = html.search(/<\/head>/i);
  return head >= 0 ? html.slice(0, head) + tag + html.slice(head) : tag + html;
}
