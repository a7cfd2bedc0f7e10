/* The label sheet's print button (an onclick="" attribute would break the CSP). */
'use strict';
document.querySelector('[data-print]').addEventListener('click', () => window.print());
