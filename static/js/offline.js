/* Offline support on every page: registers the service worker, offers a new version,
   shows the "离线" banner and the "待同步 N" count, queues <form data-outbox="KIND">
   submissions in the outbox (photos shrunk first, by photo-shrink.js) and replays the outbox: on load, on
   'online', on a timer, by Background Sync, by the "立即同步" button and, while records
   wait, again after a short back-off. Forgets the user's kept pages at logout. */
(function () {
  'use strict';
  const body = document.body;
  const userId = body.dataset.userId ? Number(body.dataset.userId) : null;
  const userName = document.getElementById('offline-ui').dataset.userName;
  const version = body.dataset.assetVersion || 'dev';
  const fromCache = body.dataset.fromCache === '1';
  const strings = JSON.parse(document.getElementById('offline-strings').textContent);
  const $ = (id) => document.getElementById(id);
  const SYNC_EVERY_MS = 60000;
  // After a failed try, while records wait: 2 s, doubling up to a minute.
  const RETRY_FIRST_MS = 2000;
  const RETRY_MAX_MS = 60000;

  const format = (text, values) => text.replace(/\{(\w+)\}/g, (_m, key) => values[key]);

  // --- the banner and the count -------------------------------------------------------------

  function showConnection() {
    $('offline-banner').hidden = navigator.onLine && !fromCache;
  }

  function describe(item) {
    const li = document.createElement('li');
    li.className = 'outbox-item' + (item.state === 'failed' ? ' failed' : '');
    const title = document.createElement('strong');
    title.textContent = (strings['kind_' + item.kind] || item.kind) + (item.label ? ' · ' + item.label : '');
    const when = document.createElement('span');
    when.className = 'muted';
    when.textContent = new Date(item.done_at).toLocaleString();
    const state = document.createElement('p');
    state.className = item.state === 'failed' ? 'error' : 'muted';
    state.textContent = item.state === 'failed' ? format(strings.rejected, {reason: item.error})
      : item.error ? format(strings.last_error, {reason: item.error}) : strings.waiting;
    li.append(title, ' ', when, state);
    if (item.state === 'failed' && item.page) {
      // Opened back into its form, filled in, to be fixed and sent again under its UUID.
      const fix = document.createElement('a');
      fix.className = 'btn primary';
      fix.href = item.page + '#fix-' + item.uuid;
      fix.textContent = strings.fix;
      li.append(fix);
    }
    if (item.state === 'failed') {
      // Nothing refused is dropped silently: the user has read why and chooses to discard.
      const discard = document.createElement('button');
      discard.type = 'button';
      discard.className = 'btn danger';
      discard.textContent = strings.discard;
      discard.addEventListener('click', async () => {
        if (!window.confirm(strings.discard_confirm)) return;
        await ZichaStore.discard(item.seq);
        refresh();
      });
      li.append(discard);
    }
    return li;
  }

  /* "N records of <name> wait": one line per other owner (on the login page, that is
     probably the user about to log in). */
  function describeOthers(others) {
    const owners = new Map();
    for (const item of others) {
      const owner = owners.get(item.user_id) || {count: 0, name: ''};
      owner.count += 1;
      owner.name = owner.name || item.user_name || '';
      owners.set(item.user_id, owner);
    }
    return [...owners.values()].map((owner) => format(owner.name ? strings.others_named : strings.others,
                                                      owner)).join(' ');
  }

  async function refresh() {
    const all = await ZichaStore.items();
    const mine = all.filter((item) => item.user_id === userId);
    // Scans ride along with the checks they open; the count is of the user's records.
    const others = all.filter((item) => item.user_id !== userId && item.kind !== 'scan');
    const count = mine.filter((item) => item.kind !== 'scan').length;
    $('outbox-count').textContent = count;
    $('outbox-badge').hidden = mine.length === 0;
    $('outbox-badge').classList.toggle('has-failed', mine.some((item) => item.state === 'failed'));
    $('outbox-others').hidden = others.length === 0;
    $('outbox-others').textContent = describeOthers(others);
    $('outbox-login').hidden = !(loginNeeded && mine.some((item) => item.state !== 'failed'));
    markSavedChecks(mine);
    const list = $('outbox-list');
    list.replaceChildren(...mine.map(describe));
    if (!mine.length) {
      const empty = document.createElement('li');
      empty.className = 'muted';
      empty.textContent = strings.nothing;
      list.append(empty);
    }
    const notices = (await ZichaStore.getMeta('notices')) || [];
    if (notices.length) {
      await ZichaStore.setMeta('notices', []);
      for (const text of notices) notice(text, 'flash');
    }
  }

  /* A check kept on the phone is done, only not sent: the links to its point (today's
     checks on the home) say so instead of the state the page was served with. */
  function markSavedChecks(mine) {
    const saved = new Set(mine.filter((item) => item.kind === 'check' && item.state !== 'failed')
      .map((item) => item.action));
    for (const link of document.querySelectorAll('main a[href*="/check"]')) {
      const on = saved.has(new URL(link.href).pathname);
      link.classList.toggle('check-saved', on);
      if (on) link.dataset.saved = strings.saved_pending;
    }
  }

  function notice(text, kind) {
    const p = document.createElement('p');
    p.className = 'flash ' + (kind || '');
    p.textContent = text;
    $('outbox-notices').append(p);
  }

  // --- replay -----------------------------------------------------------------------------

  let syncing = null;
  let loginNeeded = false;
  let retryDelay = RETRY_FIRST_MS;
  let retryTimer = null;

  function sync() {
    if (!userId || !navigator.onLine) return Promise.resolve({outcomes: {}});
    syncing = syncing || ZichaStore.sync(showProgress).then((result) => {
      loginNeeded = result.loggedOut;
      retryLater(result);
      return result;
    }).finally(() => { syncing = null; refresh(); });
    return syncing;
  }

  /* On a flaky signal one failed try must not leave the queue waiting for the next
     trigger: while the user's records wait and this page is open, try again soon.
     Progress starts the back-off afresh; an ended login waits for the user instead. */
  async function retryLater(result) {
    clearTimeout(retryTimer);
    if (result.sent) retryDelay = RETRY_FIRST_MS;
    const waiting = (await ZichaStore.items())
      .some((item) => item.user_id === userId && item.state !== 'failed');
    if (!waiting || result.loggedOut) {
      retryDelay = RETRY_FIRST_MS;
      return;
    }
    retryTimer = setTimeout(sync, retryDelay);
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
  }

  async function askBackgroundSync() {
    const registration = 'serviceWorker' in navigator && await navigator.serviceWorker.getRegistration();
    if (registration && registration.sync) registration.sync.register('zicha-outbox').catch(() => null);
  }

  // --- forms ------------------------------------------------------------------------------

  function setHidden(form, name, value) {
    const input = form.querySelector('input[name="' + name + '"]');
    if (input) input.value = value;
  }

  function showRefusal(form, outcome) {
    let box = form.querySelector('.outbox-refusal');
    if (!box) {
      box = document.createElement('p');
      box.className = 'flash flash-error outbox-refusal';
      box.setAttribute('role', 'alert');
      form.prepend(box);
    }
    box.textContent = outcome.error;
    box.scrollIntoView({block: 'center'});
  }

  /* The form's data goes into the outbox first, then the outbox is sent in order.
     Sent: go where the server says. Refused: the user is still on the form to fix it.
     Not sent: it stays on the phone, and the form is ready for the next record. */
  async function queueForm(form, submitter) {
    const data = new FormData(form, submitter);
    const uuid = data.get('client_uuid') || ZichaStore.newUuid();
    const buttons = submitButtons(form);
    hold(buttons, true);
    const fields = [];
    const files = [];
    for (const [name, value] of data) {
      if (name === 'csrf_token' || name === 'client_uuid') continue;  // a fresh token is fetched
      if (value instanceof File) {
        if (value.size) files.push([name, await window.Zicha.shrinkPhoto(value), value.name]);
      } else {
        fields.push([name, value]);
      }
    }
    const action = new URL(form.action).pathname;
    // Where the form is opened again if refused: its own URL serves it as a whole page, also
    // when htmx brought it into another page (the check page's query names the check).
    const page = action + (window.location.pathname === action ? window.location.search : '');
    const seq = await ZichaStore.add({
      uuid, kind: form.dataset.outbox, user_id: userId, user_name: userName, action, page,
      done_at: data.get('done_at') || new Date().toISOString(),
      label: form.dataset.outboxLabel || (document.querySelector('main h1') || {}).textContent || '',
      fields, files});
    refresh();
    askBackgroundSync();
    const progress = sending = {uuid, box: files.length ? progressBox(form) : null};
    showProgress({uuid}, 0, files.reduce((sum, [, blob]) => sum + blob.size, 0));
    progress.total = 0;   // the estimate above is not a start
    // Kept on the phone from here on: a failed sync only means "not sent yet". A run that
    // began before this record was added would not carry it: the next one does.
    const run = syncing ? syncing.catch(() => null).then(sync) : sync();
    const outcome = (await run.catch(() => ({outcomes: {}}))).outcomes[uuid];
    sending = null;
    if (outcome && outcome.ok) {
      window.location.assign(outcome.url);
      return;
    }
    if (progress.box) progress.box.hidden = true;
    hold(buttons, false);
    if (outcome) {
      await ZichaStore.discard(seq);
      refresh();
      showRefusal(form, outcome);
      return;
    }
    form.reset();
    for (const name of ['client_uuid', 'done_at']) setHidden(form, name, '');
    // A form that confirms the save itself (the check) cancels the event: then only a
    // reason beyond "kept on the phone" is worth a second line.
    const confirmed = !form.dispatchEvent(new CustomEvent('outbox:queued', {bubbles: true, cancelable: true}));
    const why = await notSent(uuid, progress);
    if (!confirmed || why !== strings.queued) notice(why, 'flash-queued');
    window.scrollTo(0, 0);
  }

  /* Why the record just kept was not sent, for its user: it waits in the outbox. */
  async function notSent(uuid, progress) {
    const item = (await ZichaStore.items()).find((queued) => queued.uuid === uuid);
    if (item && item.error) return format(strings.not_sent, {reason: item.error});
    if (progress.total) return format(strings.interrupted, {sent: kb(progress.sent), total: kb(progress.total)});
    return navigator.onLine ? strings.no_reach : strings.queued;
  }

  // --- sending: how much has gone, and one press only ----------------------------------------

  let sending = null;   // {uuid, box, sent, total}: the record the user is waiting for
  const kb = (bytes) => Math.ceil(bytes / 1024);
  const submitButtons = (form) => [...form.elements].filter((element) => element.type === 'submit');
  // Held buttons are marked, so that a page the browser brings back (bfcache) frees them.
  function hold(buttons, on) {
    for (const button of buttons) {
      button.disabled = on;
      if (on) button.dataset.sending = '';
      else delete button.dataset.sending;
    }
  }

  function progressBox(form) {
    let box = form.querySelector('.send-progress');
    if (!box) {
      box = document.createElement('p');
      box.className = 'send-progress';
      box.setAttribute('role', 'status');
      box.append(document.createElement('progress'), document.createElement('span'));
      // Above the pressed button, where the eye is (below it, the tab bar may cover it).
      const button = submitButtons(form).pop();
      if (button) (button.closest('.btn-row') || button).before(box);
      else form.append(box);
    }
    box.hidden = false;
    return box;
  }

  function showProgress(item, sent, total) {
    if (!sending || item.uuid !== sending.uuid || !sending.box) return;
    Object.assign(sending, {sent, total});
    const [bar, text] = sending.box.children;
    bar.max = total || 1;
    bar.value = sent;
    text.textContent = format(strings.sending, {sent: kb(sent), total: kb(total)});
  }

  /* The phone would not keep the record (storage full, private mode): the user is told,
     and the form goes the ordinary way, once, past the outbox. */
  const direct = new WeakSet();

  function submitDirectly(form, submitter) {
    notice(strings.not_kept, 'flash-error');
    direct.add(form);
    hold(submitButtons(form), false);
    form.requestSubmit(submitter);
  }

  /* A form's client UUID is made when the user presses submit, so that a resent form
     repeats it (idempotent). Capture phase: filled in before check.js, htmx or the outbox
     read the form. */
  document.addEventListener('submit', (event) => {
    const field = event.target.matches('form[data-client-uuid]')
      && event.target.querySelector('input[name=client_uuid]');
    if (field && !field.value) field.value = ZichaStore.newUuid();
  }, true);

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (form.matches('form[data-logout]')) {
      // A shared phone: the next user must not find this one's pages.
      event.preventDefault();
      forgetUser().finally(() => form.submit());
      return;
    }
    // Another script may have stopped the submit (a missing note); then so do we.
    if (event.defaultPrevented || !form.matches('form[data-outbox]') || !userId) return;
    if (direct.delete(form)) return;
    event.preventDefault();
    queueForm(form, event.submitter).catch(() => submitDirectly(form, event.submitter));
  });

  /* Any other form is sent once: its buttons wait while the page goes, and a photo says
     its size. Not a form a script stopped (htmx, the outbox) nor one opening elsewhere. */
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.target) return;
    const size = [...form.querySelectorAll('input[type=file]')]
      .reduce((sum, input) => sum + [...input.files].reduce((bytes, file) => bytes + file.size, 0), 0);
    setTimeout(() => {   // after the browser has read the pressed button's name and value
      hold(submitButtons(form), true);
      if (size) progressBox(form).lastChild.textContent = format(strings.sending_size, {total: kb(size)});
    });
  });
  // Back to the page (bfcache): it can be sent again.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    hold(document.querySelectorAll('[data-sending]'), false);
    for (const box of document.querySelectorAll('.send-progress')) box.hidden = true;
  });

  /* A check page opened offline by its QR link carries the scan the phone recorded. */
  function fillOfflineScan() {
    if (!body.dataset.offlineScan) return;
    const scan = JSON.parse(body.dataset.offlineScan);
    // As online, where the scan link redirects: a reload opens the check, not a new scan.
    window.history.replaceState(null, '', scan.url);
    for (const form of document.querySelectorAll('form[data-outbox]')) {
      for (const [name, value] of [['scan_token', scan.token], ['scanned_at', scan.scanned_at],
                                   ['scan_uuid', scan.uuid]]) {
        const input = form.querySelector('input[name="' + name + '"]');
        if (input) input.value = input.defaultValue = value;   // kept across form.reset()
      }
    }
  }

  /* A refused record opened again to be fixed ("修改后重新发送"): its form is filled in as
     it was queued, except a refused photo, and sent again under the same UUID, which
     replaces the queued record. */
  async function reopenRefused() {
    const wanted = window.location.hash.match(/^#fix-(.+)$/);
    if (!wanted || !userId) return;
    const item = (await ZichaStore.items()).find((queued) => queued.uuid === wanted[1] && queued.user_id === userId);
    const form = item && [...document.querySelectorAll('form[data-outbox]')]
      .find((candidate) => new URL(candidate.action).pathname === item.action);
    if (!form) return;
    const values = (list, name) => list.filter((entry) => entry[0] === name);
    for (const input of form.elements) {
      const kept = values(item.fields, input.name).map((entry) => entry[1]);
      if (input.type === 'radio' || input.type === 'checkbox') {
        input.checked = kept.includes(input.value);
      } else if (input.type === 'file') {
        const photos = item.errors && item.errors.photo ? [] : values(item.files, input.name);
        const transfer = new DataTransfer();
        for (const [, blob, filename] of photos) transfer.items.add(new File([blob], filename, {type: blob.type}));
        input.files = transfer.files;
      } else if (kept.length && input.name !== 'csrf_token') {
        input.value = kept[0];
      }
    }
    setHidden(form, 'client_uuid', item.uuid);
    showRefusal(form, item);
  }

  /* The user's pages kept on this phone belong to the user they were kept for: when
     another user (or nobody) is logged in, they go, with the rest of that user's data.
     The outbox stays: its items are sent only under their owner's login. */
  async function forgetUser() {
    await ZichaStore.forgetUser();
    try {
      localStorage.removeItem('htmx-history-cache');   // htmx's snapshots of visited pages
    } catch (error) { /* storage unavailable: nothing kept there either */ }
    await ZichaStore.setMeta('owner', null);
  }

  async function checkOwner() {
    if (fromCache) return;
    if ((await ZichaStore.getMeta('owner')) !== userId) await forgetUser();
    await ZichaStore.setMeta('owner', userId);
  }

  // --- pages kept for offline use -------------------------------------------------------------

  const KEEP_EVERY_MS = 10 * 60 * 1000;

  async function keepPagesForOffline() {
    if (!userId || !navigator.onLine || fromCache || !('caches' in window)) return;
    const kept = await ZichaStore.getMeta('offline');
    if (kept && kept.user_id === userId && kept.version === version && Date.now() - kept.at < KEEP_EVERY_MS) {
      return;
    }
    const response = await fetch('/api/v1/offline-pages', {credentials: 'same-origin'});
    if (!response.ok) return;
    const list = await response.json();
    for (const url of list.pages) await ZichaStore.keepPage(url, 'zicha-shell-' + version).catch(() => null);
    await ZichaStore.setMeta('offline', Object.assign(list, {at: Date.now(), version}));
  }

  // --- the service worker and its updates ----------------------------------------------------

  async function registerWorker() {
    if (!('serviceWorker' in navigator)) return;
    const registration = await navigator.serviceWorker.register('/sw.js?v=' + encodeURIComponent(version),
                                                                {scope: '/', updateViaCache: 'none'});
    let accepted = false;
    const offer = (worker) => {
      if (!navigator.serviceWorker.controller) return;  // the first install needs no refresh
      const button = $('update-offer');
      button.hidden = false;
      button.onclick = () => { accepted = true; worker.postMessage({type: 'skip-waiting'}); };
    };
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker.addEventListener('statechange', () => { if (worker.state === 'installed') offer(worker); });
    });
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (accepted) window.location.reload();
    });
  }

  // --- wiring -----------------------------------------------------------------------------

  $('outbox-badge').addEventListener('click', () => { refresh(); $('outbox-panel').showModal(); });
  $('outbox-close').addEventListener('click', () => $('outbox-panel').close());
  $('outbox-sync').addEventListener('click', () => sync());
  window.addEventListener('online', () => { showConnection(); sync().then(keepPagesForOffline); });
  window.addEventListener('offline', showConnection);
  window.addEventListener('hashchange', () => { $('outbox-panel').close(); reopenRefused(); });
  ZichaStore.onChange(refresh);
  setInterval(() => { if (navigator.onLine) sync(); }, SYNC_EVERY_MS);

  window.Zicha = Object.assign(window.Zicha || {}, {sync});
  showConnection();
  fillOfflineScan();
  refresh();
  registerWorker().catch(() => null);
  checkOwner().then(reopenRefused).then(sync).then(keepPagesForOffline).catch(() => null);
})();
