// Flixpeek's service worker, part 2 of 5 (imported by /sw.js after sw-core.js, whose helpers it uses): pages kept
// for reading offline past the page cache's eviction ("Save for offline", and My List's films with the device switch
// on), and the status the offline layer's page script shows (docs/offline.md).
'use strict'

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

HANDLERS.status = function (data) { return status(data.url) }
HANDLERS.save = function (data) { return toggleSaved(data.url, !!data.on).then(function () { return status(data.url) }) }
HANDLERS['save-list'] = function (data) { return set('saveList', !!data.on).then(pruneSaved).then(function () { return status(data.url) }) }
