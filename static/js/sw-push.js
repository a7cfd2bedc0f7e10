/* Push and notification-click handlers (filled in by the notifications work). */
