/* The leader's briefing screen: the rotating sign-in QR code, computed here with no
   signal (blueprints/briefings/codes.py does the same sums on the server), its countdown,
   and the time since the start. crypto.subtle exists only on HTTPS pages, and a plant's
   LAN is often plain HTTP: hence the small SHA-256 below. */

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

/* The code of a minute (minutes since 1970, as Date.now() / 60000): codes.code_for. */
export function signInCode(secret, briefingId, minute) {
  return [...hmacSha256(secret, briefingId + ':' + minute).slice(0, 4)]
    .map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function run(screen) {
  const {generate} = await import(document.querySelector('link[data-qr-encoder]').href);
  const canvas = document.getElementById('briefing-qr');
  const codeText = document.getElementById('briefing-code');
  const countdown = document.getElementById('briefing-countdown');
  const elapsed = document.getElementById('briefing-elapsed');
  const short = document.getElementById('briefing-short');
  const id = screen.dataset.briefingId;
  const started = Date.parse(screen.dataset.startedAt);
  const least = Number(screen.dataset.minMinutes) * 60;
  let shown = null;

  function tick() {
    const now = Date.now();
    const minute = Math.floor(now / 60000);
    if (minute !== shown) {
      shown = minute;
      const code = signInCode(screen.dataset.secret, id, minute);
      generate(`${window.location.origin}/briefings/sign-in#${id}.${minute}.${code}`).toCanvas(canvas);
      canvas.dataset.minute = minute;
      codeText.textContent = code.toUpperCase();
    }
    countdown.textContent = 60 - Math.floor((now / 1000) % 60);
    const seconds = Math.max(0, Math.floor((now - started) / 1000));
    elapsed.textContent = Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
    short.hidden = seconds >= least;
  }
  tick();
  setInterval(tick, 1000);
}

/* Closed with no signal, the close waits in the outbox: the screen says so instead of
   offering a blank form to close again, and its code goes, as the briefing has ended. */
function whenKept(screen) {
  document.getElementById('briefing-close').addEventListener('outbox:queued', (event) => {
    event.preventDefault();
    for (const part of [screen, event.target, document.getElementById('sign-ins')]) part.hidden = true;
    document.getElementById('briefing-kept').hidden = false;
    window.scrollTo(0, 0);
  });
}

/* A person the leader is not easy about needs the reason and the helper before the close
   is sent: the phone asks at once, where a close kept offline would be refused much later. */
function requireWhy(form) {
  const mark = () => {
    for (const line of form.querySelectorAll('.roll')) {
      const uneasy = line.querySelector('.rp-present:checked') && line.querySelector('.rf-helper:checked, .rf-off_work:checked');
      for (const input of line.querySelectorAll('.roll-uneasy input, .roll-uneasy select')) input.required = Boolean(uneasy);
    }
  };
  form.addEventListener('change', mark);
  mark();
}

/* Who has signed in: the run URL answers a request marked as htmx's with the list only.
   Asked every 10 s while online; a few lines here rather than htmx (18 KB) on this screen.
   Once the close has arrived (from this phone's outbox too), the answer leads to the record. */
function poll(screen) {
  setInterval(async () => {
    if (!navigator.onLine || document.hidden) return;
    const response = await fetch(window.location.pathname, {headers: {'HX-Request': 'true'}}).catch(() => null);
    if (!response || !response.ok) return;
    const record = response.headers.get('HX-Redirect');
    if (record) window.location.assign(record);
    // Closed on this phone and waiting to be sent: the list stays hidden.
    else if (!screen.hidden) document.getElementById('sign-ins').outerHTML = await response.text();
  }, 10000);
}

const screen = typeof document !== 'undefined' && document.getElementById('briefing-run');
if (screen && screen.dataset.secret) {
  requireWhy(document.getElementById('briefing-close'));
  whenKept(screen);
  run(screen);
  poll(screen);
}
