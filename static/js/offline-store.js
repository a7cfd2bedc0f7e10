/* What the phone keeps: the outbox of submissions in IndexedDB (with their photos as
   Blobs) until the server has them, and the pages kept for offline use.
   Shared by the page (offline.js) and the service worker (sw-offline.js). */
(function (scope) {
  'use strict';
  const PAGES = 'zicha-pages';
  const channel = 'BroadcastChannel' in scope ? new BroadcastChannel('zicha-outbox') : null;
  let opened;

  /* A record's client UUID, the one maker for the pages and the service worker.
     randomUUID needs a secure context; getRandomValues works on a plain-http address too. */
  function newUuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function open() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open('zicha', 1);
      request.onupgradeneeded = () => {
        // seq keeps the order of submissions; uuid is their identity on the server.
        const items = request.result.createObjectStore('outbox', {keyPath: 'seq', autoIncrement: true});
        items.createIndex('uuid', 'uuid', {unique: true});
        request.result.createObjectStore('meta');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  function run(store, mode, action) {
    return open().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = action(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    }));
  }

  const items = () => run('outbox', 'readonly', (s) => s.getAll());
  const put = (item) => run('outbox', 'readwrite', (s) => s.put(item));
  const remove = (seq) => run('outbox', 'readwrite', (s) => s.delete(seq));
  const getMeta = (key) => run('meta', 'readonly', (s) => s.get(key));
  const setMeta = (key, value) => run('meta', 'readwrite', (s) => s.put(value, key));

  function changed() {
    if (channel) channel.postMessage('changed');
  }

  /* item: {uuid, kind, user_id, user_name, action, page, done_at, label,
            fields: [[name, value]], files: [[name, blob, filename]]}
     The same UUID again (a refused record its user fixed) replaces the queued item in its place. */
  async function add(item) {
    const queued = (await items()).find((other) => other.uuid === item.uuid);
    const seq = await put(Object.assign(
      {files: [], fields: [], state: 'queued', error: null, errors: {}, created: new Date().toISOString()},
      item, queued ? {seq: queued.seq} : {}));
    changed();
    return seq;
  }

  /* What the phone keeps of a user besides the outbox (whose items stay tied to their
     owner): the pages kept for offline use, their list and the notices. */
  async function forgetUser() {
    if ('caches' in scope) await caches.delete(PAGES);
    await run('meta', 'readwrite', (s) => { s.delete('offline'); return s.delete('notices'); });
  }

  async function discard(seq) {
    await remove(seq);
    changed();
  }

  function send(item, csrfToken, onProgress) {
    const body = new FormData();
    body.append('_kind', item.kind);
    body.append('_user_id', String(item.user_id));
    body.append('_done_at', item.done_at);
    body.append('_action', item.action || '');
    for (const [name, value] of item.fields) body.append(name, value);
    for (const [name, blob, filename] of item.files) body.append(name, blob, filename);
    body.set('client_uuid', item.uuid);
    const headers = {'X-CSRFToken': csrfToken, 'Accept': 'application/json'};
    if (onProgress && scope.XMLHttpRequest) return sendCounting(body, headers, onProgress);
    return fetch('/api/v1/outbox', {method: 'POST', body, credentials: 'same-origin', headers})
      .then((response) => json(response).then((data) => ({status: response.status, data})));
  }

  /* On a page the upload is counted (fetch cannot say how much of a body has gone);
     the service worker has no XMLHttpRequest and sends with fetch. */
  function sendCounting(body, headers, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/outbox');
      for (const name in headers) xhr.setRequestHeader(name, headers[name]);
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total);
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError('not sent'));
      xhr.onload = () => {
        let data = {};
        if ((xhr.getResponseHeader('Content-Type') || '').startsWith('application/json')) {
          try { data = JSON.parse(xhr.responseText); } catch (error) { /* not the server's answer */ }
        }
        resolve({status: xhr.status, data});
      };
      xhr.send(body);
    });
  }

  /* The server's JSON, or {} for anything else (a Wi-Fi login page, a proxy's page). */
  function json(response) {
    const type = response.headers.get('Content-Type') || '';
    return type.startsWith('application/json') ? response.json().catch(() => ({})) : Promise.resolve({});
  }

  async function addNotice(text) {
    const notices = (await getMeta('notices')) || [];
    notices.push(text);
    await setMeta('notices', notices);
  }

  /* Sends the current user's queue in order. A network failure stops the run (order is
     kept); a refusal (4xx) marks the item failed until its user fixes or discards it.
     Only an answer naming the item's UUID is the server's: anything else keeps it. */
  async function syncNow(onProgress) {
    const queue = (await items()).filter((item) => item.state !== 'failed');
    const result = {sent: 0, failed: 0, offline: false, loggedOut: false, outcomes: {}};
    if (!queue.length) return result;
    let who;
    try {
      const response = await fetch('/api/v1/csrf', {credentials: 'same-origin', cache: 'no-store',
                                                   headers: {'Accept': 'application/json'}});
      if (response.status === 401) return Object.assign(result, {loggedOut: true});
      who = await json(response);
      if (!response.ok || !who.csrf_token) return Object.assign(result, {offline: true});
    } catch (error) {
      return Object.assign(result, {offline: true});
    }
    for (const item of queue) {
      if (item.user_id !== who.user_id) continue;
      let answer;
      try {
        answer = await send(item, who.csrf_token, onProgress && ((sent, total) => onProgress(item, sent, total)));
      } catch (error) {
        item.error = null;   // no answer at all: simply not sent yet
        result.offline = true;
        break;
      }
      item.attempts = (item.attempts || 0) + 1;
      const ours = answer.data.client_uuid === item.uuid;
      if (ours && answer.status === 200) {
        await remove(item.seq);
        if (answer.data.notice) await addNotice(answer.data.notice);
        result.outcomes[item.uuid] = answer.data;
        result.sent += 1;
      } else if (ours && answer.status >= 400 && answer.status < 500 && !answer.data.retry) {
        Object.assign(item, {state: 'failed', error: answer.data.error, errors: answer.data.errors || {}});
        await put(item);
        result.outcomes[item.uuid] = Object.assign({status: answer.status}, answer.data);
        result.failed += 1;
      } else {
        // Server trouble, an expired login or a page that is not the server's answer:
        // keep it, say why, try again later.
        item.error = answer.data.error || (answer.status >= 400 ? 'HTTP ' + answer.status : null);
        await put(item);
        result.loggedOut = answer.status === 401;
        result.offline = !answer.data.error;
        break;
      }
    }
    changed();
    return result;
  }

  /* One run at a time across tabs and the service worker; a second caller waits.
     onProgress(item, sent, total): bytes of the item being sent, on a page. */
  function sync(onProgress) {
    const locks = scope.navigator && scope.navigator.locks;
    const run = () => syncNow(onProgress);
    return locks ? locks.request('zicha-outbox', run) : run();
  }

  /* Keeps a page and the static files it names, so that it also works offline. */
  async function keepPage(url, shellCache) {
    const response = await fetch(url, {credentials: 'same-origin', cache: 'no-store'});
    if (!response.ok || response.redirected) return false;
    const html = await response.clone().text();
    await (await caches.open(PAGES)).put(url, response);
    // Once each: the icons name one sprite many times (#home, #scan, ...).
    const assets = new Set([...html.matchAll(/(?:src|href)="(\/static\/[^"#]+)/g)].map((m) => m[1]));
    const shell = await caches.open(shellCache);
    await Promise.all([...assets].map(async (asset) => {
      if (!(await shell.match(asset))) await shell.add(asset).catch(() => null);
    }));
    return true;
  }

  scope.ZichaStore = {PAGES, add, items, discard, sync, getMeta, setMeta, changed, keepPage, forgetUser,
                      newUuid, onChange: (listener) => channel && channel.addEventListener('message', listener)};
})(self);
