/**
 * Service worker for call notifications (web mode; see renderer/src/notifications.ts). It shows
 * nothing itself and caches nothing (no fetch handler): it exists so the page can show persistent
 * notifications with Answer/Decline actions, and it tells the page which one was clicked.
 */

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('notificationclick', (event) => {
  const notification = event.notification;
  notification.close();
  const action = event.action === 'answer' || event.action === 'decline' ? event.action : 'open';
  const data = notification.data;
  const callId = data && typeof data.callId === 'string' ? data.callId : undefined;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      // The app's own tab: the one the user last looked at, else the first one.
      const client = windows.find((c) => c.focused) ?? windows.find((c) => c.visibilityState === 'visible') ?? windows[0];
      if (!client) return;
      // Declining is done from the notification: the user stays where they were.
      if (action !== 'decline') {
        try {
          await client.focus();
        } catch {
          // Not allowed (no user activation left): the page still gets the message.
        }
      }
      client.postMessage({ type: 'notification', action, callId });
    }),
  );
});
