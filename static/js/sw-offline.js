/* Offline half of the service worker: a versioned app shell, network-first pages with
   the kept copy as fallback, QR scans recorded on the phone while offline, and the
   outbox replayed by Background Sync. Never skips waiting unless the user asks. */
'use strict';
const VERSION = new URL(self.location).searchParams.get('v') || 'dev';
const SHELL = 'zicha-shell-' + VERSION;
// SHELL_URLS, the files precached, comes from sw.js (the server's one list).
const OFFLINE_PAGE = '/offline';
// Never kept: they act when fetched (the scan link records a scan) or belong to a login.
const NOT_KEPT = /^\/(q\/|login|logout|lang\/|api\/)/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll([
    // Revalidated, not reloaded: what the page has just fetched comes back as a 304.
    ...SHELL_URLS.map((url) => new Request(url, {cache: 'no-cache'})),
    // Fetched without cookies: the same page for whoever is offline later.
    new Request(OFFLINE_PAGE, {cache: 'reload', credentials: 'omit'}),
  ])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith('zicha-shell-') && name !== SHELL)
    .map((name) => caches.delete(name)))));
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'zicha-outbox') return;
  // Rejecting asks the browser to try again later (it gives up after a few tries;
  // the pages also replay on 'online', on load and on a timer).
  event.waitUntil(ZichaStore.sync().then((result) => {
    if (result.offline) throw new Error('still offline');
  }));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request, url));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(staticFile(request));
  }
});

async function staticFile(request) {
  const kept = await caches.match(request, {cacheName: SHELL});
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

async function navigate(request, url) {
  try {
    const response = await fetch(request);
    // A redirect (to the login page) is not the page asked for.
    if (response.ok && response.type === 'basic' && !response.redirected && !NOT_KEPT.test(url.pathname)) {
      (await caches.open(ZichaStore.PAGES)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    const label = url.pathname.match(/^\/q\/([^/]+)$/);
    if (label) {
      const scanned = await offlineScan(decodeURIComponent(label[1]));
      if (scanned) return markedAsKept(scanned.page, scanned.scan);
    }
    const kept = !label && (
      await caches.match(request, {cacheName: ZichaStore.PAGES, ignoreVary: true})
      || await caches.match(request, {cacheName: ZichaStore.PAGES, ignoreSearch: true, ignoreVary: true}));
    const fallback = kept || await caches.match(OFFLINE_PAGE, {cacheName: SHELL});
    if (!fallback) throw error;
    return markedAsKept(fallback);
  }
}

/* Offline, a scanned label cannot reach the server: the phone records the scan (token,
   its own time, a UUID) in the outbox, ahead of the check, and opens the kept check page.
   The phone knows only the tokens' SHA-256 digests: it learns a token by scanning the label. */
async function offlineScan(token) {
  const offline = await ZichaStore.getMeta('offline');
  const digest = await sha256(token);
  const point = offline && offline.points.find((p) => p.token_sha256 === digest);
  if (!point) return null;
  const page = await caches.match(point.url, {cacheName: ZichaStore.PAGES, ignoreVary: true});
  if (!page) return null;
  const scan = {token, scanned_at: new Date().toISOString(), uuid: ZichaStore.newUuid(), url: point.url};
  await ZichaStore.add({uuid: scan.uuid, kind: 'scan', user_id: offline.user_id, user_name: offline.user_name,
                        done_at: scan.scanned_at, label: point.label, fields: [['token', token]]});
  return {page, scan};
}

async function sha256(text) {
  const bytes = new Uint8Array(await self.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/* The page learns it came from the phone's copy (and shows the "离线" banner), and
   a check page opened by an offline scan gets that scan to send along. */
async function markedAsKept(response, scan) {
  const marks = ' data-from-cache="1"' + (scan ? ' data-offline-scan="' + escapeAttribute(JSON.stringify(scan)) + '"' : '');
  const html = (await response.text()).replace('<body', '<body' + marks);
  return new Response(html, {status: 200, headers: {'Content-Type': 'text/html; charset=utf-8'}});
}
