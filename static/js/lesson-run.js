/* The teacher's screen: the lesson's rotating sign-in code and who has signed in, as on
   the morning briefing (rotating-code.js). */
import {pollList, showCode} from './rotating-code.js';

const screen = document.getElementById('lesson-run');
if (screen) {
  showCode({
    secret: screen.dataset.secret, id: screen.dataset.sessionId, path: screen.dataset.signInPath,
    canvas: document.getElementById('lesson-qr'), codeText: document.getElementById('lesson-code'),
    countdown: document.getElementById('lesson-countdown'),
  });
  pollList('attendance', screen);
}
