/* The check form: shrink photos on the phone, stamp the submission with the phone's time
   (offline.js gives it its UUID, as every data-client-uuid form), hint at abnormal
   items missing a note or photo, and while a check of this point waits in the outbox show
   it as saved instead of a blank form. Without this script the form still works: the raw
   photo uploads and the server shrinks it. */
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  if (!form) return;
  var pending = 0;

  /* The one shrinking function (≤1600 px JPEG) lives in photo-shrink.js, shared with the outbox. */
  function shrink(input) {
    var file = input.files && input.files[0];
    if (!file || !window.Zicha || typeof DataTransfer === "undefined") return;
    pending++;
    window.Zicha.shrinkPhoto(file).then(function (small) {
      // Keep the original when shrinking would not help (a small photo already), and
      // leave a photo removed meanwhile (photo-field.js) removed.
      if (small !== file && small.size < file.size && input.files[0] === file) {
        var dt = new DataTransfer();
        dt.items.add(small);
        input.files = dt.files;
      }
    }).catch(function () { /* the server shrinks it then */ }).then(function () { pending--; });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "file") shrink(event.target);
  });

  function missingEvidence() {
    var items = form.querySelectorAll(".check-item");
    for (var i = 0; i < items.length; i++) {
      var abnormal = items[i].querySelector(".r-abnormal:checked");
      var note = items[i].querySelector("textarea");
      var photo = items[i].querySelector("input[type=file]");
      if (abnormal && !note.value.trim() && !(photo.files && photo.files.length)) return note;
    }
    return null;
  }

  form.addEventListener("submit", function (event) {
    var missing = missingEvidence();
    var hint = document.getElementById("check-hint");
    if (missing) {
      event.preventDefault();
      hint.hidden = false;
      missing.focus();
      return;
    }
    if (pending > 0) {  // a photo is still being shrunk: send once it is ready
      event.preventDefault();
      setTimeout(function () { form.requestSubmit ? form.requestSubmit() : form.submit(); }, 200);
      return;
    }
    hint.hidden = true;
    // One press only, and the button back on a return: offline.js, as for every form.
    if (!form.done_at.value) form.done_at.value = new Date().toISOString();
  });

  // A scan the phone made offline fills scan_token (offline.js): no code to type then.
  // A code typed on the scanner offline (scanner.js) is sent with the check.
  var typed = document.getElementById("typed-code");
  var code = JSON.parse(sessionStorage.getItem("typed-code") || "null");
  if (typed && form.scan_token.value) typed.hidden = true;
  else if (typed && code && code.url === window.location.pathname) form.typed_code.value = code.code;
  sessionStorage.removeItem("typed-code");

  /* Saved offline (just now, or before this copy of the page was opened): the same
     confirmation as the server's, from the record kept on the phone. */
  var saved = document.getElementById("check-saved");
  function showSaved() {
    var userId = Number(document.body.dataset.userId);
    var action = new URL(form.action).pathname;
    return window.ZichaStore.items().then(function (items) {
      var record = items.filter(function (item) {
        return item.kind === "check" && item.action === action && item.user_id === userId && item.state !== "failed";
      }).pop();
      if (!record) return;
      var results = record.fields.filter(function (f) { return f[0].indexOf("result-") === 0; });
      var abnormal = results.filter(function (f) { return f[1] === "abnormal"; }).length;
      document.getElementById("check-saved-title").textContent = "✓ " + saved.dataset.summary.replace("{items}", results.length);
      document.getElementById("check-saved-abnormal").textContent = abnormal ? saved.dataset.abnormal.replace("{abnormal}", abnormal) : "";
      form.hidden = true;
      saved.hidden = false;
      saved.setAttribute("data-check-done", "");
      saved.dispatchEvent(new CustomEvent("check:done", {bubbles: true}));
      window.scrollTo(0, 0);
    });
  }
  form.addEventListener("outbox:queued", function (event) {
    event.preventDefault();   // the confirmation says it is kept on the phone
    showSaved();
  });
  document.getElementById("check-again").addEventListener("click", function () {
    saved.hidden = true;
    saved.removeAttribute("data-check-done");
    form.hidden = false;
  });
  if (window.ZichaStore) showSaved().catch(function () { /* no outbox on this phone */ });
})();
