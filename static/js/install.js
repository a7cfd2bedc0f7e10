/* The offer to add Zicha to the home screen, once, after a completed check: a page with
   [data-check-done], loaded, swapped in by htmx or shown by check.js after an offline save
   ('check:done'). Only the pages where a check ends load it (offer_install in the template).
   Android's install prompt is kept from the moment the page loads; iOS Safari and WeChat
   get the steps instead. */
'use strict';
(() => {
  const KEY = 'zicha-install-offered';
  let prompt = null;
  const ua = navigator.userAgent;
  const kind = /MicroMessenger/i.test(ua) ? 'wechat' : /iPhone|iPad|iPod/.test(ua) ? 'ios' : 'android';
  const installed = () => matchMedia('(display-mode: standalone)').matches || navigator.standalone;

  function offer() {
    const box = document.getElementById('install-offer');
    if (!box || !box.hidden || installed() || localStorage.getItem(KEY)
        || !document.querySelector('[data-check-done]') || (kind === 'android' && !prompt)) return;
    box.querySelectorAll('[data-install]').forEach((el) => { el.hidden = el.dataset.install !== kind; });
    box.hidden = false;
    localStorage.setItem(KEY, '1');
  }

  function close() { document.getElementById('install-offer').hidden = true; }

  addEventListener('beforeinstallprompt', (event) => { event.preventDefault(); prompt = event; offer(); });
  document.addEventListener('DOMContentLoaded', offer);
  document.addEventListener('htmx:afterSettle', offer);
  document.addEventListener('check:done', offer);
  document.addEventListener('click', (event) => {
    if (event.target.closest('[data-install-close]')) close();
    if (event.target.closest('[data-install-go]') && prompt) {
      prompt.prompt();
      prompt = null;
      close();
    }
  });
})();
