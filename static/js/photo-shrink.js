/* Photos shrunk on the phone before they are sent on a weak signal: the outbox's (offline.js,
   check.js) and the public report form's (public-report.js). */
(function () {
  'use strict';
  const MAX_SIDE = 1600;

  /* ≤1600 px JPEG, EXIF orientation applied; a photo already small enough is kept. */
  async function shrinkPhoto(file) {
    if (!/^image\//.test(file.type)) return file;
    const bitmap = await createImageBitmap(file, {imageOrientation: 'from-image'}).catch(() => null);
    if (!bitmap) return file;
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.type === 'image/jpeg') return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
    return blob ? new File([blob], file.name.replace(/\.\w+$/, '') + '.jpg', {type: 'image/jpeg'}) : file;
  }

  window.Zicha = Object.assign(window.Zicha || {}, {shrinkPhoto});
})();
