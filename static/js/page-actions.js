/* Small page behaviours that would otherwise be inline scripts or on*="" attributes, which
   the Content-Security-Policy (script-src 'self') blocks. Delegated from the document, so
   that they work as well in fragments htmx swaps in later. */
'use strict';

/* A form's client UUID is made when the user presses submit, so that a resent form repeats
   it (idempotent). Capture phase: filled in before htmx or the offline outbox read the form. */
function zichaUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  var b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  var h = Array.from(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
}

document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!form.matches || !form.matches('form[data-client-uuid]')) return;
  var field = form.querySelector('input[name=client_uuid]');
  if (field && !field.value) field.value = zichaUuid();
}, true);

document.addEventListener('click', function (event) {
  if (event.target.closest && event.target.closest('[data-print]')) window.print();
});
