// Web Push (docs/push.md): loaded by /sw.js with importScripts. The server composes each message in the
// reader's language (title, body, the film page's URL, its poster); this file only shows it and opens the URL.
/* global self, clients */
'use strict'

/** The message as src/push/message.ts writes it; anything unreadable becomes a plain "open the app" notice. */
function pushMessageOf(event) {
  try {
    var data = event.data ? event.data.json() : null
    if (data && typeof data.title === 'string') return data
  } catch (e) {
    // not JSON: fall through
  }
  return { title: 'Flixpeek', body: event.data ? event.data.text() : '', url: '/notifications', poster: null, tag: 'flixpeek' }
}

/** Only links into this site are opened (a message cannot send the user elsewhere). */
function sameOriginUrl(url) {
  try {
    var target = new URL(url, self.location.origin)
    return target.origin === self.location.origin ? target.href : new URL('/notifications', self.location.origin).href
  } catch (e) {
    return new URL('/notifications', self.location.origin).href
  }
}

self.addEventListener('push', function (event) {
  var message = pushMessageOf(event)
  var options = {
    body: message.body || '',
    tag: message.tag || undefined,
    lang: message.lang || undefined,
    dir: message.dir || 'auto',
    icon: message.poster || '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: sameOriginUrl(message.url || '/notifications') },
  }
  if (message.poster) options.image = message.poster
  event.waitUntil(self.registration.showNotification(message.title, options))
})

self.addEventListener('notificationclick', function (event) {
  event.notification.close()
  var url = sameOriginUrl((event.notification.data && event.notification.data.url) || '/notifications')
  event.waitUntil(
    clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        var client = windows[i]
        if (client.url === url && 'focus' in client) return client.focus()
      }
      // A window of this site on another page: show the film there; otherwise a new window.
      for (var j = 0; j < windows.length; j++) {
        if ('navigate' in windows[j] && 'focus' in windows[j]) return windows[j].navigate(url).then(function (c) { return (c || windows[j]).focus() })
      }
      return clients.openWindow(url)
    }),
  )
})
