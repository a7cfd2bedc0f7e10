/* 扫一扫: reads a risk point's QR label with the camera and opens its scan link (which,
   offline, the service worker answers from the phone's copy). The browser's own
   BarcodeDetector where it has one (Android Chrome); the vendored jsQR elsewhere. */
(function () {
  'use strict';
  const root = document.getElementById('scanner');
  if (!root) return;
  const video = document.getElementById('scanner-video');
  const status = document.getElementById('scanner-status');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', {willReadFrequently: true});
  const say = (key) => { status.textContent = status.dataset[key]; };
  let stream = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }

  async function makeDecoder() {
    if ('BarcodeDetector' in window) {
      const formats = await BarcodeDetector.getSupportedFormats().catch(() => []);
      if (formats.includes('qr_code')) {
        const detector = new BarcodeDetector({formats: ['qr_code']});
        return async () => ((await detector.detect(video))[0] || {}).rawValue;
      }
    }
    await loadScript(root.dataset.decoder);
    return async () => {
      // A 640 px frame is plenty for a label and keeps a cheap phone's CPU cool.
      const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(frame.data, frame.width, frame.height, {inversionAttempts: 'attemptBoth'});
      return code && code.data;
    };
  }

  /* Only this app's own links are opened: a risk point's scan link, and the sign-in of a
     briefing or a lesson with its code in the fragment (offline, the kept sign-in page
     reads it). */
  const signIns = root.dataset.signIn.split(' ');
  function scanLink(text) {
    try {
      const url = new URL(text, window.location.href);
      if (url.origin !== window.location.origin) return null;
      if (/^\/q\/[^/]+$/.test(url.pathname)) return url.pathname;
      return signIns.includes(url.pathname) && url.hash ? url.pathname + url.hash : null;
    } catch (error) {
      return null;
    }
  }

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  async function start() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}, audio: false});
    } catch (error) {
      say('nocamera');
      video.hidden = true;   // the code typed from the label is then the way on, in view
      return;
    }
    video.srcObject = stream;
    await video.play();
    const decode = await makeDecoder();
    say('looking');
    while (stream) {
      const text = video.readyState >= 2 ? await decode().catch(() => null) : null;
      const link = text && scanLink(text);
      if (link) {
        say(signIns.some((path) => link.startsWith(path)) ? 'signing' : 'opening');
        stop();
        window.location.assign(link);
        return;
      }
      if (text) say('foreign');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /* Offline, a typed code opens the point's check page kept on the phone, which sends the
     code along with the check (check.js fills it in). */
  const typed = document.getElementById('typed-code');
  typed.addEventListener('submit', async (event) => {
    if (navigator.onLine) return;
    event.preventDefault();
    const code = typed.elements.code.value.replace(/\s+/g, '').toUpperCase();
    const kept = await ZichaStore.getMeta('offline');
    const point = kept && kept.points.find((p) => (p.code || '').toUpperCase() === code);
    if (!point) {
      status.textContent = typed.dataset.unknown;
      return;
    }
    sessionStorage.setItem('typed-code', JSON.stringify({url: point.url, code}));
    stop();
    window.location.assign(point.url);
  });

  window.addEventListener('pagehide', stop);
  start();
})();
