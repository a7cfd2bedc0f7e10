/* A page's print button (the label sheet, a briefing's record): an onclick="" attribute would break the CSP. */
'use strict';
document.querySelector('[data-print]').addEventListener('click', () => window.print());
