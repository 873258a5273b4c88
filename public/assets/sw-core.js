// Flixpeek's service worker logic, imported by /sw.js, which sets self.FLIXPEEK (this build's version,
// app shell, offline page, session lifetime). What is cached and its bounds: docs/offline.md.
'use strict'
var S = self.FLIXPEEK
var SHELL = 'shell-' + S.version
var PAGES = 'pages' // network first; at most MAX_PAGES, least recently used evicted
var SAVED = 'saved' // "Save for offline" and the list's films: kept past eviction
var IMAGES = 'images' // cache first; at most MAX_IMAGES
var API = 'api' // the user's own list and notifications
var MAX_PAGES = 100
var MAX_SAVED = 100
var MAX_IMAGES = 200
var NETWORK_TIMEOUT = 3000
var KEEP = /^\/(|movies\/\d+|watchlist|search|notifications)$/
var OWN_API = /^\/api\/v1\/me\/(watchlist|notifications)$/
var QUEUED = /^\/(watchlist\/\d+(\/remove)?|notifications\/([\w-]+\/read|read-all)|movies\/\d+\/reviews)$/

// --- IndexedDB: a key-value store (viewer, saved pages, the list switch) and the queue of offline actions.
var dbp
function db() {
  return dbp || (dbp = new Promise(function (resolve, reject) {
    var open = indexedDB.open('flixpeek-offline', 1)
    open.onupgradeneeded = function () {
      open.result.createObjectStore('kv')
      open.result.createObjectStore('queue', { autoIncrement: true })
    }
    open.onsuccess = function () { resolve(open.result) }
    open.onerror = function () { reject(open.error) }
  }))
}
function tx(store, mode, work) {
  return db().then(function (d) {
    return new Promise(function (resolve, reject) {
      var t = d.transaction(store, mode)
      var request = work(t.objectStore(store))
      t.oncomplete = function () { resolve(request && request.result) }
      t.onerror = function () { reject(t.error) }
    })
  })
}
function get(key) { return tx('kv', 'readonly', function (s) { return s.get(key) }) }
function set(key, value) { return tx('kv', 'readwrite', function (s) { return s.put(value, key) }) }
function queued() {
  return tx('queue', 'readonly', function (s) { return s.getAll() }).then(function (items) {
    return tx('queue', 'readonly', function (s) { return s.getAllKeys() }).then(function (keys) {
      return keys.map(function (key, i) { return { key: key, item: items[i] } })
    })
  })
}

// --- Install, activate, update.
self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(S.shell) }).then(function () {
    // The very first worker takes over at once; a new version waits until the page offers "Reload to update".
    if (!self.registration.active) return self.skipWaiting()
  }))
})
self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf('shell-') === 0 && n !== SHELL }).map(function (n) { return caches.delete(n) }))
  }).then(function () { return self.clients.claim() }))
})

// --- Private copies belong to one viewer (the X-Viewer header).
function viewerOf(response) { return response.headers.get('X-Viewer') || 'anonymous' }
function usable(response, viewer) {
  var owner = viewerOf(response)
  if (owner === 'anonymous') return true
  var age = Date.now() - Number(response.headers.get('X-Stored-At') || 0)
  return owner === viewer && age < S.sessionSeconds * 1000
}
/** A new viewer (logout, another account, a session revoked elsewhere): drop every other viewer's copies. */
function noteViewer(viewer) {
  return get('viewer').then(function (known) {
    if (known === viewer) return
    return set('viewer', viewer).then(function () {
      return Promise.all([PAGES, SAVED, API].map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (keys) {
            return Promise.all(keys.map(function (key) {
              return cache.match(key).then(function (r) { if (r && viewerOf(r) !== 'anonymous' && viewerOf(r) !== viewer) return cache.delete(key) })
            }))
          })
        })
      }))
    })
  })
}

function storable(response) {
  var control = response.headers.get('Cache-Control') || ''
  return response.status === 200 && response.type === 'basic' && !/no-store/.test(control)
}

/** Keeps a copy with when it was stored and the page's title (for the offline page's list). */
function store(name, key, response, max) {
  return response.text().then(function (body) {
    var headers = new Headers(response.headers)
    headers.set('X-Stored-At', String(Date.now()))
    var title = /<title>([^<]*)<\/title>/.exec(body)
    if (title) headers.set('X-Title', encodeURIComponent(title[1]))
    return caches.open(name).then(function (cache) {
      // Delete first so the key moves to the end: keys() order is least recently stored first.
      return cache.delete(key).then(function () { return cache.put(key, new Response(body, { status: 200, headers: headers })) }).then(function () {
        return max && trim(cache, max)
      })
    }).then(function () { return body })
  })
}
function trim(cache, max) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map(function (key) { return cache.delete(key) }))
  })
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error('timeout')) }, ms)
    promise.then(function (v) { clearTimeout(timer); resolve(v) }, function (e) { clearTimeout(timer); reject(e) })
  })
}

/**
 * The cached copy of a page for the current viewer, marked as a saved copy for the banner. A private copy only when
 * `privateToo` (the network has failed): a slow answer may be for someone else now (a logout, a session ended elsewhere).
 */
function cachedPage(key, privateToo) {
  return get('viewer').then(function (viewer) {
    return caches.match(key, { cacheName: PAGES }).then(function (r) { return r || caches.match(key, { cacheName: SAVED }) }).then(function (r) {
      return r && usable(r, viewer) && (privateToo || viewerOf(r) === 'anonymous') ? marked(r) : null
    })
  })
}
/** Tells the page's script it is not fresh from the network (a saved copy, or the offline page): it shows the offline banner. */
function marked(response) {
  return response.text().then(function (body) {
    var html = body.replace('<html ', '<html data-saved-copy="' + (response.headers.get('X-Stored-At') || '') + '" ')
    return new Response(html, { status: 200, headers: response.headers })
  })
}

/** Pages: network first with a short timeout, then this page's copy, else the offline page. */
function page(event, url) {
  var key = url.pathname + url.search
  // Extended now, while the event can still be: the answer may come after respondWith has settled (a slow network),
  // and noting its viewer and keeping its copy must still happen.
  var kept
  event.waitUntil(new Promise(function (resolve) { kept = resolve }))
  var network = fetch(event.request).then(function (response) {
    if (!KEEP.test(url.pathname) || !storable(response)) return response
    var copy = response.clone()
    kept(noteViewer(viewerOf(response)).then(function () {
      return store(PAGES, key, copy, MAX_PAGES).then(function (body) { return afterStore(key, body) })
    }).catch(function () {}))
    return response
  })
  network.then(function () { kept() }, function () { kept() })
  network.catch(function () {}) // handled below; no unhandled rejection when the copy wins the race
  var offline = function () { return cachedPage(key, true).then(function (copy) { return copy || caches.match(S.offline, { cacheName: SHELL }).then(marked) }) }
  return withTimeout(network, NETWORK_TIMEOUT).catch(function (error) {
    // Slow is not down: a copy anyone may see now, else wait for the network; a private copy only once it has failed.
    if (error && error.message === 'timeout') return cachedPage(key, false).then(function (copy) { return copy || network.catch(offline) })
    return offline()
  })
}

/** Saved pages follow their fresh copy; My List, with the device switch on, saves its films' pages. */
function afterStore(key, body) {
  return Promise.all([get('saved'), get('saveList')]).then(function (found) {
    var saved = found[0] || []
    var work = []
    if (saved.indexOf(key) >= 0) {
      work.push(Promise.all([caches.open(SAVED), caches.match(key, { cacheName: PAGES })]).then(function (r) { return r[1] && r[0].put(key, r[1]) }))
    }
    if (key === '/watchlist' && found[1]) {
      var films = []
      body.replace(/href="(\/movies\/\d+)"/g, function (_, href) { if (films.indexOf(href) < 0) films.push(href) })
      work.push(set('listFilms', films.slice(0, MAX_SAVED)).then(function () { return saveAll(films.slice(0, MAX_SAVED)) }))
    }
    return Promise.all(work)
  })
}
function saveAll(urls) {
  return caches.open(SAVED).then(function (cache) {
    return urls.reduce(function (chain, url) {
      return chain.then(function () {
        return cache.match(url).then(function (have) {
          if (have) return
          return fetch(url, { credentials: 'same-origin' }).then(function (r) { if (storable(r)) return store(SAVED, url, r) }, function () {})
        })
      })
    }, Promise.resolve())
  })
}
/** Drops saved copies nobody asks for any more (toggle off, film left the list, switch off). */
function pruneSaved() {
  return Promise.all([get('saved'), get('saveList'), get('listFilms')]).then(function (found) {
    var keep = (found[0] || []).concat(found[1] ? found[2] || [] : [])
    return caches.open(SAVED).then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { var u = new URL(k.url); return keep.indexOf(u.pathname + u.search) < 0 }).map(function (k) { return cache.delete(k) }))
      })
    })
  })
}

/** Images: cache first, bounded. */
function image(request) {
  return caches.open(IMAGES).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone()).then(function () { return trim(cache, MAX_IMAGES) })
        return response
      })
    })
  })
}

/** The shell: this version's cache; an older page's asset URL falls back to this version's file of the same name. */
function shell(request) {
  return caches.match(request, { cacheName: SHELL }).then(function (hit) {
    return hit || fetch(request).catch(function () { return caches.match(request, { cacheName: SHELL, ignoreSearch: true }) })
  })
}

/** The user's own list and notifications over the API: network first, else the copy for this viewer. */
function ownApi(event, url) {
  var key = url.pathname + url.search
  return fetch(event.request).then(function (response) {
    if (storable(response)) {
      var copy = response.clone()
      event.waitUntil(noteViewer(viewerOf(copy)).then(function () { return store(API, key, copy, 20) }))
    }
    return response
  }, function () {
    return get('viewer').then(function (viewer) {
      return caches.match(key, { cacheName: API }).then(function (r) { return r && usable(r, viewer) ? r : Response.error() })
    })
  })
}

// --- Actions made offline: queued in IndexedDB, answered at once, replayed in order later.
/**
 * Only what this site's own pages send is queued (audit 3, M1): the replay is a same-origin request with the session,
 * so queueing a cross-site form would launder it past SameSite and the Origin check. htmx sends HX-Request, which no
 * other site can set, from a window of this origin; a plain form here is a navigation whose referrer is this origin.
 */
function ownPageSent(event, request) {
  if (request.mode === 'navigate') return Promise.resolve(sameOrigin(request.referrer))
  if (!request.headers.get('HX-Request') || !event.clientId) return Promise.resolve(false)
  return self.clients.get(event.clientId).then(function (client) { return !!client && client.type === 'window' && sameOrigin(client.url) })
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

function notify(message) {
  self.clients.matchAll({ type: 'window' }).then(function (clients) { clients.forEach(function (c) { c.postMessage(message) }) })
}

/** The pages saved on this device, newest first, with their titles (for the offline page). */
function savedPages() {
  return get('viewer').then(function (viewer) {
    return Promise.all([SAVED, PAGES].map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (keys) {
          return Promise.all(keys.map(function (k) { return cache.match(k).then(function (r) { return r && usable(r, viewer) ? { url: new URL(k.url).pathname + new URL(k.url).search, title: decodeURIComponent(r.headers.get('X-Title') || ''), at: Number(r.headers.get('X-Stored-At')) } : null }) }))
        })
      })
    })).then(function (lists) {
      var seen = {}
      return lists[0].concat(lists[1]).filter(function (p) { return p && !seen[p.url] && (seen[p.url] = true) }).sort(function (a, b) { return b.at - a.at })
    })
  })
}

function status(url) {
  return Promise.all([queued(), get('saved'), get('saveList'), savedPages()]).then(function (found) {
    return {
      version: S.version,
      pending: found[0].map(function (e) { return e.item.url }),
      saved: (found[1] || []).indexOf(url) >= 0,
      saveList: !!found[2],
      pages: found[3],
    }
  })
}

function toggleSaved(url, on) {
  return get('saved').then(function (saved) {
    saved = (saved || []).filter(function (u) { return u !== url })
    if (on) saved.unshift(url)
    return set('saved', saved.slice(0, MAX_SAVED))
  }).then(function () { return on ? saveAll([url]) : pruneSaved() })
}

/** Logout, for browsers that ignore its Clear-Site-Data (audit 3, L1): the last viewer's copies, kv and queue go. */
function purge() {
  return Promise.all([PAGES, SAVED, API].map(function (name) { return caches.delete(name) })).then(function () {
    return Promise.all([tx('kv', 'readwrite', function (s) { return s.clear() }), tx('queue', 'readwrite', function (s) { return s.clear() })])
  })
}

self.addEventListener('message', function (event) {
  var data = event.data || {}
  var reply = function (value) { if (event.ports[0]) event.ports[0].postMessage(value) }
  var work
  if (data.type === 'skip-waiting') work = self.skipWaiting()
  else if (data.type === 'replay') work = replay()
  else if (data.type === 'status') work = status(data.url)
  else if (data.type === 'save') work = toggleSaved(data.url, !!data.on).then(function () { return status(data.url) })
  else if (data.type === 'purge') work = purge()
  else if (data.type === 'save-list') work = set('saveList', !!data.on).then(pruneSaved).then(function () { return status(data.url) })
  if (work) event.waitUntil(work.then(reply, function () { reply(null) }))
})

// Background Sync, where the browser has it, is a bonus: the page also asks for a replay when it loads or comes online.
self.addEventListener('sync', function (event) { if (event.tag === 'replay') event.waitUntil(replay()) })

self.addEventListener('fetch', function (event) {
  var request = event.request
  var url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  // A video's bytes pass through untouched: tokenised URLs, ranges, and trickplay sprites that must not fill the image cache.
  if (url.pathname.indexOf('/media/') === 0) return
  if (request.method === 'POST' || request.method === 'DELETE') {
    if (QUEUED.test(url.pathname)) event.respondWith(action(event, request, url))
    return
  }
  if (request.method !== 'GET') return
  if (request.mode === 'navigate') event.respondWith(page(event, url))
  else if (S.shell.indexOf(url.pathname + url.search) >= 0 || url.pathname.indexOf('/assets/') === 0) event.respondWith(shell(request))
  else if (request.destination === 'image') event.respondWith(image(request))
  else if (OWN_API.test(url.pathname)) event.respondWith(ownApi(event, url))
})
