// Flixpeek's service worker, part 1 of 5, imported by /sw.js, which sets self.FLIXPEEK (this build's version, app
// shell, offline page, session lifetime, the player's files) and then imports sw-saved.js (pages saved for offline),
// sw-queue.js (actions and progress made offline), sw-downloads.js and sw-downloaded.js (films kept for offline
// viewing: downloading them, then serving, renewing and releasing them). This part:
// storage, install, the page, image, shell and API caches, and the routing. What is cached and its bounds:
// docs/offline.md.
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
var KEEP = /^\/(|movies\/\d+|watchlist|search|notifications|downloads)$/
var OWN_API = /^\/api\/v1\/me\/(watchlist|notifications)$/
var QUEUED = /^\/(watchlist\/\d+(\/remove)?|notifications\/([\w-]+\/read|read-all)|movies\/\d+\/reviews)$/

/** What the other parts answer, by message type (`{type}` from a page; the reply goes to its port). */
var HANDLERS = {}

// --- IndexedDB: a key-value store (viewer, saved pages, the list switch, this device's id, progress made offline),
// the queue of offline actions, and the downloaded films (sw-downloads.js).
var dbp
function db() {
  return dbp || (dbp = new Promise(function (resolve, reject) {
    var open = indexedDB.open('flixpeek-offline', 2)
    open.onupgradeneeded = function () {
      var names = open.result.objectStoreNames
      if (!names.contains('kv')) open.result.createObjectStore('kv')
      if (!names.contains('queue')) open.result.createObjectStore('queue', { autoIncrement: true })
      if (!names.contains('downloads')) open.result.createObjectStore('downloads', { keyPath: 'movie' })
    }
    open.onsuccess = function () {
      // A newer worker upgrading the database: this one lets go (else the upgrade waits for it forever).
      open.result.onversionchange = function () { open.result.close(); dbp = null }
      resolve(open.result)
    }
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
/**
 * Reads, changes and writes one item in one transaction, so no other write comes between (two tabs, a loop and an
 * event): `change` gets the stored value and returns the new one, or undefined to leave it. Resolves with the new one.
 */
function update(store, key, change) {
  return db().then(function (d) {
    return new Promise(function (resolve, reject) {
      var t = d.transaction(store, 'readwrite')
      var s = t.objectStore(store)
      var next
      var read = s.get(key)
      read.onsuccess = function () {
        next = change(read.result)
        if (next !== undefined && store === 'kv') s.put(next, key)
        else if (next !== undefined) s.put(next)
      }
      t.oncomplete = function () { resolve(next) }
      t.onerror = function () { reject(t.error) }
    })
  })
}
// --- Install, activate, update.
self.addEventListener('install', function (event) {
  // The player's files too while films are downloaded: a new version must still play them offline.
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(S.shell).then(function () { return caches.keys() }).then(function (names) {
      return names.some(function (n) { return n.indexOf('dl-') === 0 }) && cache.addAll(S.player)
    })
  }).then(function () {
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
      // A downloaded film goes only for another account: an expired session (anonymous) keeps it until the owner
      // signs in again (nothing plays it meanwhile: every check wants its viewer).
      }).concat(viewer === 'anonymous' ? [] : dropDownloads(viewer)))
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
  var offline = function () {
    return cachedPage(key, true).then(function (copy) { return copy || downloadedPage(url) }).then(function (copy) {
      return copy || caches.match(S.offline, { cacheName: SHELL }).then(marked)
    })
  }
  return withTimeout(network, NETWORK_TIMEOUT).catch(function (error) {
    // Slow is not down: a copy anyone may see now, else wait for the network; a private copy only once it has failed.
    if (error && error.message === 'timeout') return cachedPage(key, false).then(function (copy) { return copy || network.catch(offline) })
    return offline()
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

function notify(message) {
  self.clients.matchAll({ type: 'window' }).then(function (clients) { clients.forEach(function (c) { c.postMessage(message) }) })
}

/** Logout, for browsers that ignore its Clear-Site-Data (audit 3, L1): the last viewer's copies, kv and queue go. */
function purge() {
  return Promise.all([PAGES, SAVED, API].map(function (name) { return caches.delete(name) }).concat(dropDownloads())).then(function () {
    return Promise.all([tx('kv', 'readwrite', function (s) { return s.clear() }), tx('queue', 'readwrite', function (s) { return s.clear() })])
  })
}

HANDLERS['skip-waiting'] = function () { return self.skipWaiting() }
HANDLERS.purge = function () { return purge() }
self.addEventListener('message', function (event) {
  var data = event.data || {}
  var reply = function (value) { if (event.ports[0]) event.ports[0].postMessage(value) }
  var handler = Object.prototype.hasOwnProperty.call(HANDLERS, data.type) && HANDLERS[data.type]
  if (handler) event.waitUntil(Promise.resolve().then(function () { return handler(data, event) }).then(reply, function () { reply(null) }))
})

// Background Sync, where the browser has it, is a bonus: the page also asks for a replay when it loads or comes online.
self.addEventListener('sync', function (event) { if (event.tag === 'replay') event.waitUntil(HANDLERS.replay()) })

self.addEventListener('fetch', function (event) {
  var request = event.request
  var url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  // A downloaded film's files come from this device only; every other video byte passes through untouched
  // (tokenised URLs, ranges, and trickplay sprites that must not fill the image cache).
  if (url.pathname.indexOf('/media/o/') === 0) return event.respondWith(downloadedMedia(url))
  if (url.pathname.indexOf('/media/') === 0) return
  if (request.method === 'POST' || request.method === 'DELETE' || request.method === 'PUT') {
    var film = PROGRESS.exec(url.pathname)
    if (film && request.method !== 'DELETE') event.respondWith(progress(event, request, film[1]))
    else if (QUEUED.test(url.pathname) && request.method !== 'PUT') event.respondWith(action(event, request, url))
    return
  }
  if (request.method !== 'GET') return
  if (request.mode === 'navigate') event.respondWith(page(event, url))
  else if (S.shell.concat(S.player).indexOf(url.pathname + url.search) >= 0 || url.pathname.indexOf('/assets/') === 0) event.respondWith(shell(request))
  else if (request.destination === 'image') event.respondWith(image(request))
  else if (OWN_API.test(url.pathname)) event.respondWith(ownApi(event, url))
})
