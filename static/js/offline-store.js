/* What the phone keeps: the outbox of submissions in IndexedDB (with their photos as
   Blobs) until the server has them, and the pages kept for offline use.
   Shared by the page (offline.js) and the service worker (sw-offline.js). */
(function (scope) {
  'use strict';
  const PAGES = 'zicha-pages';
  const channel = 'BroadcastChannel' in scope ? new BroadcastChannel('zicha-outbox') : null;
  let opened;

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

  /* item: {uuid, kind, user_id, action, done_at, label, fields: [[name, value]],
            files: [[name, blob, filename]]} */
  async function add(item) {
    const seq = await run('outbox', 'readwrite', (s) => s.add(Object.assign(
      {files: [], fields: [], state: 'queued', error: null, created: new Date().toISOString()}, item)));
    changed();
    return seq;
  }

  async function discard(seq) {
    await remove(seq);
    changed();
  }

  function send(item, csrfToken) {
    const body = new FormData();
    body.append('_kind', item.kind);
    body.append('_user_id', String(item.user_id));
    body.append('_done_at', item.done_at);
    body.append('_action', item.action || '');
    for (const [name, value] of item.fields) body.append(name, value);
    for (const [name, blob, filename] of item.files) body.append(name, blob, filename);
    body.set('client_uuid', item.uuid);
    return fetch('/api/v1/outbox', {method: 'POST', body, credentials: 'same-origin',
                                   headers: {'X-CSRFToken': csrfToken, 'Accept': 'application/json'}})
      .then((response) => response.json().catch(() => ({}))
        .then((data) => ({status: response.status, data})));
  }

  async function addNotice(text) {
    const notices = (await getMeta('notices')) || [];
    notices.push(text);
    await setMeta('notices', notices);
  }

  /* Sends the current user's queue in order. A network failure stops the run (order is
     kept); a refusal (4xx) marks the item failed until its user fixes or discards it. */
  async function syncNow() {
    const queue = (await items()).filter((item) => item.state !== 'failed');
    const result = {sent: 0, failed: 0, offline: false, loggedOut: false, outcomes: {}};
    if (!queue.length) return result;
    let who;
    try {
      const response = await fetch('/api/v1/csrf', {credentials: 'same-origin', cache: 'no-store',
                                                   headers: {'Accept': 'application/json'}});
      if (response.status === 401) return Object.assign(result, {loggedOut: true});
      if (!response.ok) return Object.assign(result, {offline: true});
      who = await response.json();
    } catch (error) {
      return Object.assign(result, {offline: true});
    }
    for (const item of queue) {
      if (item.user_id !== who.user_id) continue;
      let answer;
      try {
        answer = await send(item, who.csrf_token);
      } catch (error) {
        item.error = null;   // no answer at all: simply not sent yet
        result.offline = true;
        break;
      }
      item.attempts = (item.attempts || 0) + 1;
      if (answer.status === 200) {
        await remove(item.seq);
        if (answer.data.notice) await addNotice(answer.data.notice);
        result.outcomes[item.uuid] = answer.data;
        result.sent += 1;
      } else if (answer.status >= 400 && answer.status < 500 && !answer.data.retry) {
        Object.assign(item, {state: 'failed', error: answer.data.error || ('HTTP ' + answer.status),
                             errors: answer.data.errors || {}});
        await put(item);
        result.outcomes[item.uuid] = Object.assign({status: answer.status}, answer.data);
        result.failed += 1;
      } else {
        // Server trouble or an expired login: keep it, say why, try again later.
        item.error = answer.data.error || ('HTTP ' + answer.status);
        await put(item);
        break;
      }
    }
    changed();
    return result;
  }

  /* One run at a time across tabs and the service worker; a second caller waits. */
  function sync() {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request('zicha-outbox', syncNow) : syncNow();
  }

  /* Keeps a page and the static files it names, so that it also works offline. */
  async function keepPage(url, shellCache) {
    const response = await fetch(url, {credentials: 'same-origin', cache: 'no-store'});
    if (!response.ok || response.redirected) return false;
    const html = await response.clone().text();
    await (await caches.open(PAGES)).put(url, response);
    const assets = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    const shell = await caches.open(shellCache);
    await Promise.all(assets.map(async (asset) => {
      if (!(await shell.match(asset))) await shell.add(asset).catch(() => null);
    }));
    return true;
  }

  scope.ZichaStore = {PAGES, add, items, discard, sync, getMeta, setMeta, changed, keepPage,
                      onChange: (listener) => channel && channel.addEventListener('message', listener)};
})(self);
