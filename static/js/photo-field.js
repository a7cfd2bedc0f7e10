/* Photo fields (templates/_photo.html): a thumbnail of each photo taken, and a button that
   takes one out of what the form sends (input.files rebuilt). Listens on the document, so
   a form htmx brings in later works too. A field of several photos (multiple) keeps those
   taken before: the camera hands over one photo at a time. */
(function () {
  'use strict';
  if (window.ZichaPhotoField) return;  // an htmx-swapped form loads it again
  window.ZichaPhotoField = true;

  const kept = new WeakMap();
  let rebuilding = false;

  function accumulate(input) {
    const before = kept.get(input) || [];
    if (input.multiple && !rebuilding && before.length) {
      const all = new DataTransfer();
      [...before, ...input.files].forEach((file) => all.items.add(file));
      input.files = all.files;
    }
    kept.set(input, Array.from(input.files));
  }

  function show(input) {
    const list = input.parentNode.querySelector('.photo-thumbs');
    for (const img of list.querySelectorAll('img')) URL.revokeObjectURL(img.src);
    list.replaceChildren(...Array.from(input.files, (file, index) => {
      const item = document.createElement('li');
      const img = document.createElement('img');
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'photo-remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', list.dataset.remove);
      remove.addEventListener('click', () => {
        const left = new DataTransfer();
        // By place: check.js may have swapped the photo for its shrunk copy meanwhile.
        Array.from(input.files).forEach((other, at) => at !== index && left.items.add(other));
        input.files = left.files;
        rebuilding = true;
        input.dispatchEvent(new Event('change', {bubbles: true}));
        rebuilding = false;
        input.focus();
      });
      item.append(img, remove);
      return item;
    }));
  }

  const fields = (root) => root.querySelectorAll('.photo-input');
  document.addEventListener('change', (event) => {
    if (!event.target.matches('.photo-input')) return;
    accumulate(event.target);
    show(event.target);
  });
  // After form.reset() (a record kept in the outbox) the thumbnails go too.
  document.addEventListener('reset', (event) => setTimeout(() => fields(event.target).forEach((input) => {
    kept.delete(input);
    show(input);
  })));
  // Back to a page (bfcache, reload) whose inputs kept their photos.
  window.addEventListener('pageshow', () => fields(document).forEach((input) => {
    kept.set(input, Array.from(input.files));
    show(input);
  }));
})();
