/* Push and notification-click handlers of the service worker (imported by /sw.js).
   A push carries {title, body, url}; tapping the notification opens the hazard in an
   open Zicha window if there is one, else in a new window. */
'use strict';

function zichaPushData(event) {
  var fallback = {title: 'Zicha', body: '', url: '/notifications'};
  if (!event.data) return fallback;
  try { return Object.assign(fallback, event.data.json()); }
  catch (e) { return Object.assign(fallback, {body: event.data.text()}); }
}

self.addEventListener('push', function (event) {
  var data = zichaPushData(event);
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body,
    data: {url: data.url},
    tag: data.url,            // a newer alert about the same hazard replaces the older one
    renotify: true,
    icon: '/static/icons/icon-192.png'
  }));
});

/* Focus a window already showing the page, else send an open Zicha window there, else
   open a new one. Kept apart from the click handler so that tests can call it. */
async function zichaOpenUrl(url) {
  var target = new URL(url, self.location.origin);
  if (target.origin !== self.location.origin) target = new URL('/notifications', self.location.origin);
  var windows = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
  var client = windows.find(function (c) { return c.url === target.href; }) || windows[0];
  if (!client) return self.clients.openWindow(target.href);
  if (client.url !== target.href && 'navigate' in client) client = await client.navigate(target.href) || client;
  try { await client.focus(); } catch (e) { /* focus is allowed only inside a real click */ }
  return client;
}

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || '/notifications';
  event.waitUntil(zichaOpenUrl(url));
});
