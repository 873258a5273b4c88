// Flixpeek's service worker, part 4 of 5: downloading a film to keep on this device (docs/downloads.md); part 5
// (sw-downloaded.js) serves, renews and releases the films kept. One cache per film (`dl-<movieId>`) holds one
// rendition's files under token-free URLs (/media/o/<videoId>/<name>), as the network sent them (a re-wrapped Response
// breaks Chromium's native HLS), and the film's page and watch page; the record (who, film, files, bytes, expiry) is in
// IndexedDB `downloads`. Not DRM: expiry and deletion are ours.
'use strict'
var DOWNLOADED = 'dl-'
var RENEW_EVERY = 24 * 3600 * 1000
var running = {} // movie → its loop, while one runs in this worker
var pausing = {} // movie → true: the loop stops after the file it is on

function records() { return tx('downloads', 'readonly', function (s) { return s.getAll() }) }
function record(movie) { return tx('downloads', 'readonly', function (s) { return s.get(Number(movie)) }) }
// Every write goes through these two, which forget the index below.
function saveRecord(r) { known = null; return tx('downloads', 'readwrite', function (s) { return s.put(r) }) }
function change(movie, fn) { known = null; return update('downloads', Number(movie), fn) }
/** Video id → film, viewer, expiry: each /media/o/ request reads no record (a 2-hour film lists ~5,400 files). */
var known = null
function downloadOf(video) {
  return (known ? Promise.resolve(known) : records().then(function (all) {
    var index = {}
    all.forEach(function (r) { index[r.video] = { movie: r.movie, viewer: r.viewer, expires_at: r.expires_at } })
    return (known = index)
  })).then(function (index) { return index[video] })
}
function filmCache(movie) { return caches.open(DOWNLOADED + movie) }

/** `/media/d/<token>/<videoId>/<name>` → `/media/o/<videoId>/<name>`: the token never becomes part of a stored key. */
function canonical(address) { return new URL(address, self.location.origin).pathname.replace(/^\/media\/d\/[^/]+\//, '/media/o/') }
function expired(r) { return Date.parse(r.expires_at) <= Date.now() }

/** A random id for this browser, kept until logout: the server counts devices by it, nothing more. */
function deviceId() {
  return update('kv', 'device', function (id) {
    if (id) return id
    var bytes = crypto.getRandomValues(new Uint8Array(16))
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  })
}

/** What pages are told of a download. */
function view(r) {
  return { movie: r.movie, id: r.id, title: r.title, quality: r.quality, size: r.size, bytes: r.bytes, files: r.files.length, done: r.done, state: r.state, error: r.error || null, expires_at: r.expires_at }
}
var told = {}
function announce(r, force) {
  // Progress at most four times a second; every change of state at once.
  if (!force && Date.now() - (told[r.movie] || 0) < 250) return
  told[r.movie] = Date.now()
  notify({ type: 'download', download: view(r) })
}

/** Drops a film's copy: its cache, its record, a background fetch still running. */
function drop(movie) {
  delete running[movie]
  var id = DOWNLOADED + movie
  var fetching = self.registration.backgroundFetch ? self.registration.backgroundFetch.get(id).then(function (f) { return f && f.abort() }).catch(function () {}) : null
  known = null
  return Promise.all([fetching, caches.delete(id), tx('downloads', 'readwrite', function (s) { return s.delete(Number(movie)) })])
}
/** Every download but `viewer`'s (all of them when no viewer is given): a new viewer never sees another's films. */
function dropDownloads(viewer) {
  return db().then(records).then(function (all) {
    return Promise.all(all.filter(function (r) { return !viewer || r.viewer !== viewer }).map(function (r) { return drop(r.movie) }))
  })
}

/** A new download (the page has the server's answer, POST /api/v1/me/downloads): pages and player kept, then the files. */
function start(data, event) {
  var a = data.answer
  // The viewer the download was made for (the POST's X-Viewer): the worker may not have seen this account yet.
  return (data.viewer ? noteViewer(data.viewer) : Promise.resolve()).then(function () { return get('viewer') }).then(function (viewer) {
    var files = a.files.map(function (url) { return { url: url, key: canonical(url) } })
    var r = {
      movie: a.movie_id, id: a.id, video: a.video_id, viewer: viewer || 'anonymous', title: data.title, quality: a.quality, size: a.size,
      files: files, done: 0, bytes: 0, state: 'downloading', expires_at: a.expires_at, renewed_at: Date.now(), master: files[0].key, poster: files[files.length - 1].key,
    }
    // Another quality or a new video of the same film replaces the copy; the same one keeps the files it has.
    return record(r.movie).then(function (old) { return old && (old.quality !== r.quality || old.video !== r.video) && caches.delete(DOWNLOADED + r.movie) }).then(function () {
      return saveRecord(r)
    }).then(function () {
      announce(r, true)
      var keep = keepPages(r).catch(function () {})
      // Background Fetch starts from a page only (Chromium refuses it in a worker): the page gets what is left to fetch.
      if (data.background) {
        event.waitUntil(keep)
        return missing(r).then(function (urls) { return { download: view(r), fetch: urls } })
      }
      event.waitUntil(keep.then(function () { return loop(r.movie) }))
      return { download: view(r) }
    })
  })
}
/** The film's page and its watch page, and the player's files in the shell, so the film opens and plays offline. */
function keepPages(r) {
  var pages = ['/movies/' + r.movie, '/watch/' + r.movie].map(function (path) {
    return fetch(path, { credentials: 'same-origin' }).then(function (res) { return res.ok && store(DOWNLOADED + r.movie, path, res) })
  })
  return Promise.all(pages.concat(caches.open(SHELL).then(function (shell) { return shell.addAll(S.player) })))
}

/**
 * The resumable loop: each file not yet in the film's cache is fetched and stored, in order; one that is there (a
 * finished file of an earlier run, a reload, a restarted worker) is never fetched again. A network failure pauses it
 * (resumed when the page is back online or opened again); a full disk or a revoked download stops it with a reason.
 */
function loop(movie) {
  if (running[movie]) return running[movie]
  var work = Promise.all([record(movie), filmCache(movie)]).then(function (found) {
    var r = found[0]
    var cache = found[1]
    if (!r || r.state === 'done') return
    r.state = 'downloading'
    r.error = null
    r.via = 'loop'
    var i = 0
    var savedAt = 0
    function finish() { return running[movie] === work && saveRecord(r).then(function () { announce(r, true) }) }
    function next() {
      if (running[movie] !== work) return // cancelled
      if (pausing[movie]) {
        delete pausing[movie]
        r.state = 'paused'
        r.error = 'paused'
        return finish()
      }
      if (i >= r.files.length) {
        r.state = 'done'
        return finish()
      }
      var file = r.files[i]
      return cache.match(file.key).then(function (have) {
        if (have) {
          if (i >= r.done) r.bytes += Number(have.headers.get('Content-Length')) || 0
          r.done = Math.max(r.done, ++i)
          return next()
        }
        return fetch(file.url, { credentials: 'omit' }).then(function (res) {
          if (!res.ok) throw Object.assign(new Error('http'), { status: res.status })
          var length = Number(res.headers.get('Content-Length')) || 0
          return cache.put(file.key, res).then(function () {
            if (running[movie] !== work) return // deleted meanwhile: its record stays gone
            r.bytes += length
            r.done = ++i
            announce(r)
            // The record (its whole file list) is written every 2 s, not per file: a resumed loop finds the files
            // stored since in the cache, and counts their bytes then.
            if (Date.now() - savedAt < 2000) return next()
            savedAt = Date.now()
            return saveRecord(r).then(next)
          })
        })
      })
    }
    announce(r, true)
    return next().catch(function (error) {
      var quota = error && error.name === 'QuotaExceededError'
      // Refused (403, 404: expired, deleted, revoked) is final; the network or a busy server (5xx, 429) is a pause.
      var refused = error.status && error.status < 500 && error.status !== 429
      r.state = quota || refused ? 'failed' : 'paused'
      r.error = quota ? 'quota' : refused ? 'revoked' : 'network'
      return finish()
    })
  })
  running[movie] = work
  return work.then(function () { if (running[movie] === work) delete running[movie] })
}

/** The files of a download not yet on the device (Background Fetch is handed these). */
function missing(r) {
  return filmCache(r.movie).then(function (cache) {
    return Promise.all(r.files.map(function (f) { return cache.match(f.key).then(function (have) { return have ? null : f.url }) }))
  }).then(function (left) { return left.filter(Boolean) })
}
/**
 * Whatever arrived is stored under its canonical URL; what is missing is left to the loop. Sizes are added up from the
 * stored files; a full disk (the copy needs room while it is made) or the browser's own quota failure say so.
 */
function settle(event, state) {
  var movie = Number(event.registration.id.slice(DOWNLOADED.length))
  var full = event.registration.failureReason === 'quota-exceeded'
  event.waitUntil(Promise.all([filmCache(movie), event.registration.matchAll()]).then(function (found) {
    var bytes = 0
    return Promise.all(found[1].map(function (item) {
      return item.responseReady.then(function (res) {
        if (!res.ok) return
        bytes += Number(res.headers.get('Content-Length')) || 0
        return found[0].put(canonical(item.request.url), res).catch(function (error) { if (error && error.name === 'QuotaExceededError') full = true })
      }, function () {})
    })).then(function () {
      // The loop took over meanwhile (a Background Fetch that never started): its record is the one that counts.
      if (running[movie]) return null
      return change(movie, function (r) {
        if (!r || r.via === 'loop') return
        r.state = full ? 'failed' : state
        // An abort is someone's choice (Pause, or the browser's own Cancel); a failure is the network's.
        r.error = full ? 'quota' : state === 'done' ? null : event.type === 'backgroundfetchabort' ? 'paused' : 'network'
        r.bytes = bytes
        if (state === 'done' && !full) r.done = r.files.length
        return r
      })
    }).then(function (r) {
      if (!r) return
      announce(r, true)
      if (r.state === 'done' && event.updateUI) return event.updateUI({ title: r.title }).catch(function () {})
    })
  }))
}
self.addEventListener('backgroundfetchsuccess', function (event) { settle(event, 'done') })
self.addEventListener('backgroundfetchfail', function (event) { settle(event, 'paused') })
self.addEventListener('backgroundfetchabort', function (event) { settle(event, 'paused') })
self.addEventListener('backgroundfetchclick', function (event) { event.waitUntil(self.clients.openWindow('/downloads')) })

HANDLERS['download-start'] = start
/** The page started a Background Fetch for the film: the browser fetches, settle() stores. */
HANDLERS['download-background'] = function (data) {
  return change(data.movie, function (r) {
    if (!r || running[r.movie]) return
    r.via = 'background'
    return r
  })
}
HANDLERS['download-pause'] = function (data) {
  pausing[data.movie] = !!running[data.movie]
  var bg = self.registration.backgroundFetch
  return (bg ? bg.get(DOWNLOADED + data.movie).then(function (f) { return f && f.abort() }) : Promise.resolve()).then(function () {
    if (running[data.movie]) return running[data.movie]
    return change(data.movie, function (r) {
      if (!r || r.state === 'done') return
      r.state = 'paused'
      r.error = 'paused'
      return r
    }).then(function (r) { if (r) announce(r, true) })
  })
}
HANDLERS['download-resume'] = function (data, event) {
  delete pausing[data.movie]
  event.waitUntil(loop(Number(data.movie)))
}
/**
 * Downloads the network interrupted (not those the viewer paused) go on when a page is back online or opens, and so do
 * loops a stopped worker left "downloading" (a browser ends a worker's event after some minutes, or restarts).
 */
HANDLERS['downloads-resume'] = function (data, event) {
  return Promise.all([get('viewer'), records()]).then(function (found) {
    found[1].forEach(function (r) {
      var interrupted = r.state === 'paused' && r.error === 'network'
      var orphaned = r.state === 'downloading' && r.via !== 'background' && !running[r.movie]
      if (r.viewer === found[0] && (interrupted || orphaned) && !expired(r)) event.waitUntil(loop(r.movie))
    })
  })
}
