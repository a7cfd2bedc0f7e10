/* The public report form: its photos shrunk on the phone before they go (a stranger on a
   weak signal, a 5 MB camera photo), the button held while it sends. No outbox: the sender
   has no login, so the form is sent as it is. */
(function () {
  'use strict';
  const form = document.querySelector('form[data-shrink-photos]');
  if (!form) return;
  let shrunk = false;
  form.addEventListener('submit', async (event) => {
    if (shrunk) return;
    event.preventDefault();
    form.querySelector('button[type=submit]').disabled = true;
    for (const input of form.querySelectorAll('input[type=file]')) {
      const small = new DataTransfer();
      for (const file of input.files) small.items.add(await window.Zicha.shrinkPhoto(file).catch(() => file));
      input.files = small.files;
    }
    shrunk = true;
    form.submit();
  });
})();
