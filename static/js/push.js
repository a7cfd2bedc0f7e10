/* The "turn on notifications" control: permission, subscribe through the service worker
   with the server's VAPID key, store the subscription. A browser whose push service cannot
   be reached may never answer, so the page gives up by itself after SUBSCRIBE_TIMEOUT_MS
   and names the channels that still reach the user. */
(function () {
  'use strict';
  var SUBSCRIBE_TIMEOUT_MS = 10000;
  var root = document.getElementById('push-control');
  if (!root) return;
  var button = document.getElementById('push-enable');
  var status = document.getElementById('push-status');
  var messages = document.getElementById('push-messages').content;

  function say(key, isError) {
    status.textContent = messages.querySelector('[data-key="' + key + '"]').textContent;
    status.className = 'flash' + (isError ? ' flash-error' : '');
    status.hidden = false;
    status.dataset.state = key;
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (_, reject) {
      setTimeout(function () { reject(new Error('timeout')); }, ms);
    })]);
  }

  function keyBytes(base64url) {
    var padded = (base64url + '===='.slice(base64url.length % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function isIosOutsideApp() {
    var ios = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
      (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
    var standalone = navigator.standalone === true ||
      window.matchMedia('(display-mode: standalone)').matches;
    return ios && !standalone;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']; }
    catch (e) { return ''; }
  }

  async function turnOn() {
    if (!root.dataset.vapidKey) return say('nokey', true);
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
      return say(isIosOutsideApp() ? 'ios' : 'unsupported', true);
    }
    say('working');
    button.disabled = true;
    try {
      var permission = await withTimeout(Notification.requestPermission(), 60000);
      if (permission !== 'granted') return say('denied', true);
      // The worker is registered on every page (offline.js); wait for it, not register anew.
      var registration = await withTimeout(navigator.serviceWorker.ready, SUBSCRIBE_TIMEOUT_MS);
      var subscription = await withTimeout(registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(root.dataset.vapidKey)
      }), SUBSCRIBE_TIMEOUT_MS);
      var response = await fetch(root.dataset.subscribeUrl, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
        body: JSON.stringify(subscription.toJSON())
      });
      if (!response.ok) throw new Error('refused');
      say('done');
      window.location.reload();
    } catch (error) {
      say('failed', true);
    } finally {
      button.disabled = false;
    }
  }

  if (isIosOutsideApp() && !('PushManager' in window)) say('ios', true);
  button.addEventListener('click', turnOn);
})();
