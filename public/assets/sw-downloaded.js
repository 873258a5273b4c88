// Flixpeek's service worker, part 5 of 5 (after sw-downloads.js, whose records and caches it reads): the films kept on
// this device, served to their viewer alone until they expire, renewed online, listed, deleted, and released at logout
// (docs/downloads.md).
'use strict'

/** A downloaded film's file, for its viewer, until it expires: never from the network. */
function downloadedMedia(url) {
  return Promise.all([get('viewer'), downloadOf(url.pathname.split('/')[3])]).then(function (found) {
    var r = found[1]
    if (!r || r.viewer !== found[0]) return new Response(null, { status: 404 })
    if (expired(r)) return drop(r.movie).then(function () { return new Response(null, { status: 410 }) })
    return caches.match(url.pathname, { cacheName: DOWNLOADED + r.movie }).then(function (res) { return res || new Response(null, { status: 404 }) })
  })
}
/**
 * The film's page or watch page from its download, when the network has failed (sw-core.js page()): an expired one's
 * too, whose player then says it expired (play() drops it).
 */
function downloadedPage(url) {
  var path = /^\/(watch|movies)\/(\d+)$/.exec(url.pathname)
  if (!path) return Promise.resolve(null)
  return Promise.all([get('viewer'), record(path[2])]).then(function (found) {
    if (!found[1] || found[1].viewer !== found[0]) return null
    return caches.match(url.pathname, { cacheName: DOWNLOADED + path[2] }).then(function (res) { return res ? marked(res) : null })
  })
}

/** What the player plays: the device's copy when complete and this viewer's; renewed on the server once a day online. */
function play(data, event) {
  return Promise.all([get('viewer'), record(data.movie), keptProgress(data.movie)]).then(function (found) {
    var r = found[1]
    if (!r || r.viewer !== found[0] || r.state !== 'done') return null
    if (expired(r)) {
      event.waitUntil(drop(r.movie))
      return { expired: true }
    }
    if (Date.now() - r.renewed_at > RENEW_EVERY) renew(r)
    return { master: r.master, poster: r.poster, position: found[2] && found[2].position }
  })
}
function renew(r) {
  return fetch('/api/v1/me/downloads/' + r.id + '/renew', { method: 'POST', credentials: 'same-origin' }).then(function (res) {
    // Released elsewhere (another device removed this one, the account deleted it): the copy goes too.
    if (res.status === 404) return drop(r.movie)
    return res.ok && res.json().then(function (renewed) {
      // In one transaction: the copy may have been deleted, or changed, while the network answered.
      return change(r.movie, function (now) {
        if (!now || now.id !== r.id) return
        now.expires_at = renewed.expires_at
        now.renewed_at = Date.now()
        return now
      })
    })
  }).catch(function () {})
}

/** This viewer's downloads, expired ones dropped on the way. */
function listDownloads() {
  return Promise.all([get('viewer'), records(), deviceId()]).then(function (found) {
    var mine = found[1].filter(function (r) { return r.viewer === found[0] })
    var gone = mine.filter(expired)
    return Promise.all(gone.map(function (r) { return drop(r.movie) })).then(function () {
      return { device: found[2], downloads: mine.filter(function (r) { return !expired(r) }).map(view) }
    })
  })
}
/** Logout: this device's downloads released on the server and progress sent, while the session is still good; then the purge. */
function release() {
  return get('device').then(function (device) {
    return device && fetch('/api/v1/me/downloads?device=' + encodeURIComponent(device), { method: 'DELETE', credentials: 'same-origin' }).catch(function () {})
  }).then(function () { return HANDLERS.replay().catch(function () {}) }).then(purge)
}

HANDLERS.device = deviceId
HANDLERS.downloads = listDownloads
HANDLERS['download-play'] = play
HANDLERS['download-delete'] = function (data) {
  return record(data.movie).then(function (r) {
    if (!r) return
    var url = '/api/v1/me/downloads/' + r.id
    // Offline, the release waits in the queue of actions (sw-queue.js) and goes with the next replay.
    return drop(r.movie).then(function () {
      return fetch(url, { method: 'DELETE', credentials: 'same-origin' }).catch(function () {
        return tx('queue', 'readwrite', function (s) { return s.add({ method: 'DELETE', url: url, body: '', type: '', viewer: r.viewer, at: Date.now() }) })
      })
    })
  })
}
/** What logging out would remove, for the page's warning: how many films and their size in the page's language. */
HANDLERS.logout = function (data) {
  return listDownloads().then(function (list) {
    var gb = list.downloads.reduce(function (sum, d) { return sum + (d.bytes || 0) }, 0) / 1073741824
    var locale = data.lang === 'ar' ? 'ar-u-nu-latn' : data.lang || 'en'
    var size = new Intl.NumberFormat(locale, { style: 'unit', unit: gb < 1 ? 'megabyte' : 'gigabyte', maximumFractionDigits: 1 }).format(gb < 1 ? gb * 1024 : gb)
    return { count: list.downloads.length, size: size }
  })
}
HANDLERS.release = release
