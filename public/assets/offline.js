// The offline layer's page side: registers the service worker (/sw.js), the offline banner, pending
// marks on actions made offline, "Save for offline", "Reload to update". Without it nothing changes.
(function () {
  'use strict'
  var sw = navigator.serviceWorker
  var banner = document.getElementById('offline-banner')
  if (!sw || !banner) return
  var text = banner.querySelector('.offline-text')
  var here = location.pathname + location.search

  var timer
  function say(key, button) {
    text.textContent = banner.getAttribute('data-' + key)
    var old = banner.querySelector('button')
    if (old) old.remove()
    if (button) banner.appendChild(button)
    banner.hidden = false
    // Good news goes away by itself; being offline and an update offer stay.
    clearTimeout(timer)
    if (key === 'online' || key === 'sent') timer = setTimeout(function () { banner.hidden = true }, 10000)
  }

  function ask(message) {
    return sw.ready.then(function (reg) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel()
        channel.port1.onmessage = function (event) { resolve(event.data) }
        ;(sw.controller || reg.active).postMessage(message, [channel.port2])
      })
    })
  }

  function markPending(form) {
    if (!form || form.querySelector('.pending-note')) return
    var note = document.createElement('span')
    note.className = 'pending-note'
    note.textContent = banner.getAttribute('data-pending')
    form.classList.add('pending')
    form.appendChild(note)
  }
  function clearPending() {
    document.querySelectorAll('form.pending').forEach(function (form) {
      form.classList.remove('pending')
      form.querySelector('.pending-note').remove()
    })
  }

  function show(state) {
    if (!state) return
    state.pending.forEach(function (url) {
      document.querySelectorAll('form[action="' + url + '"]').forEach(markPending)
    })
    var save = document.querySelector('[data-offline-save]')
    if (save) {
      save.hidden = false
      save.setAttribute('aria-pressed', String(state.saved))
      var label = save.querySelector('[data-on]')
      label.textContent = label.getAttribute(state.saved ? 'data-on' : 'data-off')
    }
    var list = document.querySelector('[data-offline-save-list]')
    if (list) {
      list.checked = state.saveList
      list.closest('label').hidden = false
    }
    var saved = document.getElementById('offline-saved')
    if (saved) {
      saved.textContent = ''
      state.pages.forEach(function (p) {
        var item = document.createElement('li')
        var link = document.createElement('a')
        link.href = p.url
        link.textContent = p.title || p.url
        item.appendChild(link)
        saved.appendChild(item)
      })
      if (!state.pages.length) saved.outerHTML = '<p>' + saved.getAttribute('data-empty').replace(/</g, '&lt;') + '</p>'
    }
  }

  function offerUpdate(worker) {
    var button = document.createElement('button')
    button.type = 'button'
    button.className = 'button primary'
    button.textContent = banner.getAttribute('data-reload')
    button.addEventListener('click', function () {
      sw.addEventListener('controllerchange', function () { location.reload() })
      worker.postMessage({ type: 'skip-waiting' })
    })
    say('update', button)
  }

  // After load: installing caches the shell, which should not compete with the page's own loading.
  function register() {
    sw.register('/sw.js').then(function (reg) {
      if (reg.waiting && sw.controller) offerUpdate(reg.waiting)
      reg.addEventListener('updatefound', function () {
        var next = reg.installing
        next.addEventListener('statechange', function () {
          if (next.state === 'installed' && sw.controller) offerUpdate(next)
        })
      })
    })
  }
  if (document.readyState === 'complete') register()
  else window.addEventListener('load', register)

  sw.addEventListener('message', function (event) {
    var data = event.data || {}
    if (data.type === 'replayed') {
      clearPending()
      say(data.kept ? 'kept' : data.conflicts ? 'conflict' : 'sent')
    }
  })

  // An action htmx sent while offline was queued by the worker: mark its form at once.
  document.addEventListener('htmx:afterRequest', function (event) {
    var xhr = event.detail.xhr
    if (xhr && xhr.getResponseHeader('X-Offline-Queued')) markPending(event.detail.elt.closest('form'))
  })

  document.addEventListener('click', function (event) {
    var save = event.target.closest && event.target.closest('[data-offline-save]')
    if (save) ask({ type: 'save', url: here, on: save.getAttribute('aria-pressed') !== 'true' }).then(show)
  })
  document.addEventListener('change', function (event) {
    if (event.target.matches('[data-offline-save-list]')) ask({ type: 'save-list', url: here, on: event.target.checked }).then(show)
  })

  // Logout (audit 3, L1), for browsers that ignore its Clear-Site-Data: the worker purges before the form goes (at
  // most 1 s), and again on the next page if the logout's purge cookie is there (no answer in time, no worker yet).
  function purge() {
    try { sessionStorage.clear() } catch (e) { /* off */ }
    return ask({ type: 'purge' })
  }
  // Films downloaded here go too: the viewer is warned first, then the worker releases them on the server and sends
  // progress made offline while the session still works (at most 3 s).
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (!sw.controller || form.getAttribute('action') !== '/logout') return
    event.preventDefault()
    // An older worker (before "Reload to update") never answers: no warning then, as before.
    Promise.race([ask({ type: 'logout', lang: document.documentElement.lang }), new Promise(function (done) { setTimeout(done, 1000) })]).then(function (kept) {
      if (kept && kept.count && !confirm(banner.getAttribute('data-logout').replace('{count}', kept.count).replace('{size}', kept.size))) return
      try { sessionStorage.clear() } catch (e) { /* off */ }
      Promise.race([ask({ type: 'release' }), new Promise(function (done) { setTimeout(done, 3000) })]).then(function () { form.submit() })
    })
  })
  if (/(^|; )purge=1/.test(document.cookie)) purge().then(function () { document.cookie = 'purge=; Max-Age=0; Path=/' })

  // `online` can come before the network is usable: try again a few times while actions are left.
  function replay(attempt) {
    ask({ type: 'replay' }).then(function (result) {
      if (result && result.left && navigator.onLine && attempt < 6) setTimeout(replay, 500 * Math.pow(2, attempt), attempt + 1)
    })
  }
  window.addEventListener('offline', function () { say('offline') })
  window.addEventListener('online', function () {
    say('online')
    replay(0)
  })

  if (!navigator.onLine || document.documentElement.hasAttribute('data-saved-copy')) say('offline')
  if (sw.controller) {
    ask({ type: 'status', url: here }).then(show)
    if (navigator.onLine) replay(0)
  }
})()
