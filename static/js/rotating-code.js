/* The rotating sign-in code on the chair's screen (the morning briefing's leader, the first
   lesson's teacher), computed here with no signal (blueprints/common/rotating_code.py does
   the same sums on the server), drawn as a QR link to the attendee's sign-in page with the
   code in its fragment, and the list of who has signed in, kept fresh while online.
   crypto.subtle exists only on HTTPS pages, and a plant's LAN is often plain HTTP: hence
   the small SHA-256 below. */

const primes = [];
for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
// The first 32 bits of the fractional parts of the primes' cube and square roots (FIPS 180-4).
const K = Uint32Array.from(primes, (p) => (Math.cbrt(p) % 1) * 2 ** 32);
const H0 = Uint32Array.from(primes.slice(0, 8), (p) => (Math.sqrt(p) % 1) * 2 ** 32);
const rotr = (x, n) => (x >>> n) | (x << (32 - n));

function sha256(bytes) {
  const padded = new Uint8Array(((bytes.length + 72) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, bytes.length * 8);   // short messages only: < 512 MB
  const h = H0.slice();
  const w = new Uint32Array(64);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [k, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    [a, b, c, d, e, f, g, k].forEach((value, i) => { h[i] += value; });
  }
  const out = new Uint8Array(32);
  h.forEach((value, i) => new DataView(out.buffer).setUint32(4 * i, value));
  return out;
}

function hmacSha256(key, message) {
  const encoder = new TextEncoder();
  let keyBytes = encoder.encode(key);
  if (keyBytes.length > 64) keyBytes = sha256(keyBytes);
  const pad = (byte) => Uint8Array.from({length: 64}, (_v, i) => (keyBytes[i] || 0) ^ byte);
  const inner = sha256(new Uint8Array([...pad(0x36), ...encoder.encode(message)]));
  return sha256(new Uint8Array([...pad(0x5c), ...inner]));
}

/* The code of a minute (minutes since 1970, as Date.now() / 60000): rotating_code.code_for. */
export function signInCode(secret, briefingId, minute) {
  return [...hmacSha256(secret, briefingId + ':' + minute).slice(0, 4)]
    .map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/* Each minute's code as a QR link to `path` (#id.minute.code) on the canvas and as text,
   with the seconds until it changes; onTick(now) runs every second after it. */
export async function showCode({secret, id, path, canvas, codeText, countdown, onTick}) {
  const {generate} = await import(document.querySelector('link[data-qr-encoder]').href);
  let shown = null;

  function tick() {
    const now = Date.now();
    const minute = Math.floor(now / 60000);
    if (minute !== shown) {
      shown = minute;
      const code = signInCode(secret, id, minute);
      generate(`${window.location.origin}${path}#${id}.${minute}.${code}`).toCanvas(canvas);
      canvas.dataset.minute = minute;
      codeText.textContent = code.toUpperCase();
    }
    countdown.textContent = 60 - Math.floor((now / 1000) % 60);
    if (onTick) onTick(now);
  }
  tick();
  setInterval(tick, 1000);
}

/* Who has signed in: the screen's URL answers a request marked as htmx's with the list
   only. Asked every 10 s while online; a few lines here rather than htmx (18 KB) on these
   screens. Once the gathering is closed (from this phone's outbox too), the answer leads
   to its record. While `screen` is hidden (closed here, waiting to be sent), the list stays
   as it is. */
export function pollList(listId, screen) {
  setInterval(async () => {
    if (!navigator.onLine || document.hidden) return;
    const response = await fetch(window.location.pathname, {headers: {'HX-Request': 'true'}}).catch(() => null);
    if (!response || !response.ok) return;
    const record = response.headers.get('HX-Redirect');
    if (record) window.location.assign(record);
    else if (!screen.hidden) document.getElementById(listId).outerHTML = await response.text();
  }, 10000);
}
