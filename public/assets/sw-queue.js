// Flixpeek's service worker, part 3 of 5 (imported by /sw.js after sw-core.js, whose helpers it uses): actions made
// offline, kept in IndexedDB and replayed in order later; and where the viewer was in a film while offline (newest
// per film), sent when the network is back (docs/offline.md).
'use strict'
var PROGRESS = /^\/api\/v1\/me\/progress\/(\d+)$/

// --- Actions made offline: queued in IndexedDB, answered at once, replayed in order later.
function queued() {
  return tx('queue', 'readonly', function (s) { return s.getAll() }).then(function (items) {
    return tx('queue', 'readonly', function (s) { return s.getAllKeys() }).then(function (keys) {
      return keys.map(function (key, i) { return { key: key, item: items[i] } })
    })
  })
}

/**
 * Only what this site's own pages send is queued (audit 3, M1): the replay is a same-origin request with the session,
 * so queueing a cross-site form would launder it past SameSite and the Origin check. htmx sends HX-Request, which no
 * other site can set, from a window of this origin; a plain form here is a navigation whose referrer is this origin.
 */
function ownPageSent(event, request) {
  if (request.mode === 'navigate') return Promise.resolve(sameOrigin(request.referrer))
  return request.headers.get('HX-Request') ? ownWindow(event) : Promise.resolve(false)
}
function sameOrigin(address) {
  try { return !!address && new URL(address).origin === self.location.origin } catch (e) { return false }
}
function action(event, request, url) {
  var copy = request.clone()
  return fetch(request).catch(function (error) {
    return ownPageSent(event, copy).then(function (own) {
      if (own) return queueAction(copy, url)
      // Not queued: a navigation gets the offline page, anything else the network error it met.
      if (copy.mode === 'navigate') return caches.match(S.offline, { cacheName: SHELL }).then(function (r) { return r ? marked(r) : Response.error() })
      throw error
    })
  })
}
function queueAction(copy, url) {
  return copy.text().then(function (body) {
    return get('viewer').then(function (viewer) {
      var item = { method: copy.method, url: url.pathname, body: body, type: copy.headers.get('Content-Type') || '', viewer: viewer || 'anonymous', at: Date.now() }
      return tx('queue', 'readwrite', function (s) { return s.add(item) })
    })
  }).then(function () {
    notify({ type: 'queued', url: url.pathname })
    // htmx: nothing to swap, the page marks the form pending. A plain form: back to where it was.
    if (copy.headers.get('HX-Request')) return new Response(null, { status: 202, headers: { 'HX-Reswap': 'none', 'X-Offline-Queued': '1' } })
    return Response.redirect(copy.referrer && copy.referrer !== 'about:client' ? copy.referrer : '/', 303)
  })
}

var replaying = null
/** Sends queued actions in order. Each is idempotent (add, remove, mark read, a rating); a refusal keeps the server's state. */
function replay() {
  return replaying || (replaying = get('viewer').then(function (viewer) {
    return queued().then(function (entries) {
      var sent = 0
      var conflicts = 0
      var kept = 0 // answered X-Offline-Conflict: a newer version was kept (issue 41)
      var left = entries.length
      return entries.reduce(function (chain, entry) {
        return chain.then(function (stop) {
          if (stop) return true
          var item = entry.item
          // Another account's action is never sent as this one.
          var request = item.viewer !== viewer ? Promise.resolve(null) : fetch(item.url, {
            method: item.method, body: item.body || undefined, credentials: 'same-origin',
            headers: { 'Content-Type': item.type, 'HX-Request': 'true', 'X-Offline-At': new Date(item.at || Date.now()).toISOString() },
          })
          return request.then(function (response) {
            if (response && response.status >= 500) return true
            var ok = response && response.ok && !response.headers.get('HX-Redirect')
            if (ok && response.headers.get('X-Offline-Conflict')) kept++
            else if (ok) sent++
            else conflicts++
            left--
            return tx('queue', 'readwrite', function (s) { return s.delete(entry.key) })
          }, function () { return true })
        })
      }, Promise.resolve(false)).then(function () {
        if (sent || conflicts || kept) notify({ type: 'replayed', sent: sent, conflicts: conflicts, kept: kept })
        return { sent: sent, conflicts: conflicts, kept: kept, left: left }
      })
    })
  }).then(function (result) { replaying = null; return result }, function (error) { replaying = null; throw error }))
}

/**
 * A progress report (PUT, or POST from a page going away) the network could not carry: kept, the newest per film,
 * and answered 202, so the player does not retry; sent when back online (sendProgress). Only this site's own pages'
 * reports are kept (the replay carries the session, audit 3, M1).
 */
function progress(event, request, movie) {
  var copy = request.clone()
  return fetch(request).catch(function (error) {
    return ownWindow(event).then(function (own) {
      if (!own) throw error
      return Promise.all([copy.text(), get('viewer')]).then(function (found) {
        var report = JSON.parse(found[0])
        var at = report.at || new Date().toISOString()
        return update('kv', 'progress', function (kept) {
          kept = kept || {}
          var old = kept[movie]
          if (old && old.viewer === found[1] && old.at > at) return
          kept[movie] = { position: Number(report.position) || 0, at: at, viewer: found[1] || 'anonymous' }
          return kept
        })
      }).then(function () { return new Response(null, { status: 202, headers: { 'X-Offline-Queued': '1' } }) })
    })
  })
}
function ownWindow(event) {
  if (!event.clientId) return Promise.resolve(false)
  return self.clients.get(event.clientId).then(function (client) { return !!client && client.type === 'window' && sameOrigin(client.url) })
}
/** Where the viewer was offline in `movie` (null when nothing newer than the page knows is kept). */
function keptProgress(movie) {
  return Promise.all([get('viewer'), get('progress')]).then(function (found) {
    var report = (found[1] || {})[movie]
    return report && report.viewer === found[0] ? report : null
  })
}
/**
 * Sends the kept reports (another viewer's are dropped); the server keeps the newest `at`, so a late one changes
 * nothing. Resolves with how many are left unsent.
 */
function sendProgress() {
  return Promise.all([get('viewer'), get('progress')]).then(function (found) {
    var kept = found[1] || {}
    var done = []
    return Promise.all(Object.keys(kept).map(function (movie) {
      var report = kept[movie]
      if (report.viewer !== found[0]) return done.push(movie)
      return fetch('/api/v1/me/progress/' + movie, {
        method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ position: report.position, at: report.at }),
      }).then(function (res) { if (res.status < 500 && res.status !== 429) done.push(movie) }, function () {})
    })).then(function () {
      var left = Object.keys(kept).length - done.length
      if (!done.length) return left
      return update('kv', 'progress', function (now) {
        now = now || {}
        done.forEach(function (movie) { if (now[movie] && kept[movie] && now[movie].at === kept[movie].at) delete now[movie] })
        return now
      }).then(function () { return left })
    })
  })
}

// Reports not sent count as left: the page tries again while the network settles (offline.js replay()).
HANDLERS.replay = function () {
  return replay().then(function (result) {
    return sendProgress().then(function (left) { return Object.assign({}, result, { left: result.left + left }) })
  })
}
