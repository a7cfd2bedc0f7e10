/* 确认签到: the chair's QR code (a briefing's leader, a lesson's teacher) opens this page with
   #<gathering>.<minute>.<code>, the gathering's id going in the form's data-subject field. The fragment
   never reaches the server; it is read here, also from the phone's copy offline, and the
   moment it is read is the scan's time: the server counts the sign-in by it, however late
   the outbox sends it. */
(function () {
  'use strict';
  const form = document.getElementById('sign-in-form');
  if (!form) return;
  const when = document.getElementById('sign-in-when');
  const how = document.getElementById('sign-in-how');
  const kept = document.getElementById('sign-in-kept');
  const FRAGMENT = /^#(\d{1,12})\.(\d{1,12})\.([0-9a-f]{8})$/i;

  function read() {
    const found = window.location.hash.match(FRAGMENT);
    // "#fix-<uuid>": a refused sign-in opened from the outbox, whose reason offline.js shows
    // in the form. It cannot be fixed by sending it again: the button goes, the scanner stays.
    const refused = /^#fix-/.test(window.location.hash);
    form.hidden = !found && !refused;
    document.getElementById('sign-in-button').hidden = !found;
    how.hidden = Boolean(found);
    kept.hidden = true;
    when.textContent = '';
    if (!found) return;
    const scanned = new Date();
    const values = {[form.dataset.subject]: found[1], minute: found[2], code: found[3].toLowerCase(),
                    scanned_at: scanned.toISOString(), client_uuid: ''};
    for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
    const time = scanned.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
    when.textContent = when.dataset.text.replace('{time}', time);
    form.dataset.outboxLabel = time;   // the outbox names the record by it
  }

  // Kept offline: this page says so itself, in the place of the button.
  form.addEventListener('outbox:queued', (event) => {
    event.preventDefault();
    form.hidden = true;
    kept.hidden = false;
  });
  window.addEventListener('hashchange', read);
  read();
})();
