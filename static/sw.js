/* Zicha service worker, served from /sw.js so that it controls the whole app.
   Push handling lives in sw-push.js; offline caching and the outbox in sw-offline.js. */
importScripts('/static/js/sw-push.js');

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
