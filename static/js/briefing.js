/* The leader's briefing screen: the rotating sign-in code (rotating-code.js), the time
   since the start, the close kept offline, and who has signed in. */
import {pollList, showCode} from './rotating-code.js';

function run(screen) {
  const elapsed = document.getElementById('briefing-elapsed');
  const short = document.getElementById('briefing-short');
  const started = Date.parse(screen.dataset.startedAt);
  const least = Number(screen.dataset.minMinutes) * 60;
  showCode({
    secret: screen.dataset.secret, id: screen.dataset.briefingId, path: screen.dataset.signInPath,
    canvas: document.getElementById('briefing-qr'), codeText: document.getElementById('briefing-code'),
    countdown: document.getElementById('briefing-countdown'),
    onTick(now) {
      const seconds = Math.max(0, Math.floor((now - started) / 1000));
      elapsed.textContent = Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
      short.hidden = seconds >= least;
    },
  });
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

const screen = document.getElementById('briefing-run');
if (screen && screen.dataset.secret) {
  requireWhy(document.getElementById('briefing-close'));
  whenKept(screen);
  run(screen);
  pollList('sign-ins', screen);
}
