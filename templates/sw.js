/* Zicha service worker, served from /sw.js so that it controls the whole app.
   It is registered as /sw.js?v=ASSET_VERSION: a deploy changes the URL, which installs
   a new worker (and a new shell cache) that waits until the user accepts the refresh.
   Push handling lives in sw-push.js; offline caching and the outbox in sw-offline.js. */
// The app shell's files, from the server's one list (SHELL in blueprints/sync/assets.py).
const SHELL_URLS = {{ shell_urls|tojson }};
const ASSET_QUERY = '?v=' + (new URL(self.location).searchParams.get('v') || 'dev');
importScripts('/static/js/sw-push.js', '/static/js/offline-store.js' + ASSET_QUERY,
              '/static/js/sw-offline.js' + ASSET_QUERY);

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
