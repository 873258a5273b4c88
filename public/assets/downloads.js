// Downloads, the page side (the worker's side: sw-downloads.js): the Download control on film and watch pages, the
// list on /downloads and on the offline page. Texts come from the page (#download-texts), in its language. Without a
// service worker or Cache Storage nothing shows; Safari and iOS are untested, so the control stays off there.
(function () {
  'use strict'
  var sw = navigator.serviceWorker
  var ua = navigator.userAgent
  var apple = /AppleWebKit/.test(ua) && !/Chrome|Chromium|Android/.test(ua)
  if (!sw || !('caches' in window) || apple) return
  var lang = document.documentElement.lang
  var locale = lang === 'ar' ? 'ar-u-nu-latn' : lang
  var UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte']

  function texts() {
    var holder = document.getElementById('download-texts')
    return holder ? holder.dataset : {}
  }
  function fill(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole })
  }
  /** 1024-based, as the server writes sizes (views/components/admin/video-format.ts). */
  function size(bytes) {
    var value = Math.max(0, bytes || 0) / 1024
    var unit = 0
    while (value >= 1024 && unit < UNITS.length - 1) { value /= 1024; unit++ }
    return new Intl.NumberFormat(locale, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', maximumFractionDigits: value < 10 && value > 0 ? 1 : 0 }).format(value)
  }
  function day(iso) { return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) }
  function percent(d) { return new Intl.NumberFormat(locale, { style: 'percent' }).format(d.files ? d.done / d.files : 0) }

  function ask(message) {
    return sw.ready.then(function (reg) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel()
        channel.port1.onmessage = function (event) { resolve(event.data) }
        ;(sw.controller || reg.active).postMessage(message, [channel.port2])
      })
    })
  }
  function free() {
    var storage = navigator.storage
    return storage && storage.estimate ? storage.estimate().then(function (e) { return Math.max(0, e.quota - e.usage) }, function () { return null }) : Promise.resolve(null)
  }

  /** What a download's state says, for the control and the list. */
  function describe(d) {
    var t = texts()
    if (d.state === 'done') return t.done
    if (d.state === 'downloading') return fill(t.progress, { percent: percent(d) })
    if (d.error === 'quota') return t.full
    if (d.error === 'revoked') return t.revoked
    if (d.error === 'network') return t.network
    return t.paused
  }
  function toggle(root, selector, on) { root.querySelectorAll(selector).forEach(function (el) { el.hidden = !on }) }
  function actions(root, d) {
    toggle(root, '[data-download-action="pause"]', d.state === 'downloading')
    toggle(root, '[data-download-action="resume"]', d.state === 'paused' || (d.state === 'failed' && d.error === 'quota'))
    root.querySelectorAll('[data-download-action="delete"]').forEach(function (b) { b.textContent = d.state === 'done' ? texts().remove : texts().cancel })
  }

  // --- The control on film and watch pages.
  function error(control, text) {
    var line = control.querySelector('[data-download-error]')
    line.textContent = text || ''
    line.hidden = !text
  }
  function render(control, d) {
    var picker = control.querySelector('[data-download-picker]')
    var state = control.querySelector('[data-download-state]')
    picker.hidden = !!d
    state.hidden = !d
    if (!d) return
    var bar = state.querySelector('progress')
    bar.value = d.files ? Math.round((100 * d.done) / d.files) : 0
    bar.hidden = d.state === 'done'
    state.querySelector('[data-download-status]').textContent = describe(d)
    toggle(state, '[data-download-manage]', d.state === 'done')
    actions(state, d)
  }
  function start(control, form) {
    var t = texts()
    var choice = form.querySelector('input[name="quality"]:checked')
    var need = Number(choice.dataset.bytes)
    error(control, null)
    free().then(function (room) {
      // Said before anything starts, never found out halfway.
      if (room !== null && need > room) return error(control, fill(t.quota, { need: size(need), free: size(room) }))
      var storage = navigator.storage
      var persist = storage && storage.persisted ? storage.persisted().then(function (kept) { return kept || storage.persist() }).catch(function () {}) : null
      return Promise.all([ask({ type: 'device' }), persist]).then(function (found) {
        return fetch('/api/v1/me/downloads', {
          method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ movie_id: Number(control.dataset.download), quality: choice.value, device: found[0] }),
        })
      }).then(function (res) {
        if (res.status === 409) return error(control, t.limit)
        if (!res.ok) return error(control, t.failed)
        return res.json().then(function (answer) {
          var background = 'BackgroundFetchManager' in window
          var viewer = res.headers.get('X-Viewer')
          return ask({ type: 'download-start', answer: answer, title: control.dataset.title, background: background, viewer: viewer }).then(function (started) {
            render(control, started.download)
            if (started.fetch) fetchInBackground(control, started)
          })
        })
      })
    }).catch(function () { error(control, t.failed) })
  }
  /**
   * Background Fetch (Chromium): the browser fetches the files with its own progress UI, even with every tab closed,
   * and wakes the worker to store them. Refused (a browser setting, a full disk), the worker's own loop takes over.
   */
  function fetchInBackground(control, started) {
    var d = started.download
    var icons = [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }]
    sw.ready.then(function (reg) {
      return reg.backgroundFetch.fetch('dl-' + d.movie, started.fetch, { title: control.dataset.title, icons: icons })
    }).then(function (fetching) {
      ask({ type: 'download-background', movie: d.movie })
      // A browser that takes the fetch and never starts it (Chromium's headless shell does): the loop takes over.
      setTimeout(function () { if (!fetching.downloaded && fetching.result === '') fetching.abort().then(resume, resume) }, 15000)
      function resume() { ask({ type: 'download-resume', movie: d.movie }) }
      fetching.addEventListener('progress', function () {
        var share = d.size ? Math.min(0.99, fetching.downloaded / d.size) : 0
        if (fetching.result === '') render(control, Object.assign({}, d, { done: Math.round(share * d.files) }))
      })
    }, function () { ask({ type: 'download-resume', movie: d.movie }) })
  }
  function setUp(control) {
    if (control.dataset.ready) return
    control.dataset.ready = '1'
    control.hidden = false
    var form = control.querySelector('[data-download-form]')
    var room = control.querySelector('[data-download-free]')
    free().then(function (bytes) { if (bytes !== null) room.textContent = fill(texts().free, { free: size(bytes) }) })
    form.addEventListener('submit', function (event) {
      event.preventDefault()
      start(control, form)
    })
    ask({ type: 'downloads' }).then(function (list) {
      render(control, list && list.downloads.filter(function (d) { return String(d.movie) === control.dataset.download })[0])
    })
  }

  // --- The list: /downloads (every film of this device, with its state) and the offline page (the films ready to play).
  function item(d, full) {
    var t = texts()
    var li = document.createElement('li')
    li.className = 'download-item'
    li.dataset.movie = String(d.movie)
    var link = document.createElement('a')
    link.href = '/watch/' + d.movie
    link.textContent = d.title
    link.dir = 'auto'
    li.appendChild(link)
    if (!full) return li
    var facts = document.createElement('span')
    facts.className = 'muted'
    facts.textContent = [d.quality, size(d.state === 'done' ? d.bytes : d.size), fill(t.expires, { date: day(d.expires_at) })].join(' · ')
    var status = document.createElement('span')
    status.className = 'download-item-status'
    status.dataset.downloadStatus = ''
    status.textContent = describe(d)
    li.appendChild(facts)
    li.appendChild(status)
    ;['pause', 'resume', 'delete'].forEach(function (name) {
      var button = document.createElement('button')
      button.type = 'button'
      button.className = 'button ghost small'
      button.dataset.downloadAction = name
      button.textContent = t[name] || ''
      button.setAttribute('aria-label', (name === 'delete' ? (d.state === 'done' ? t.remove : t.cancel) : t[name]) + ' · ' + d.title)
      li.appendChild(button)
    })
    actions(li, d)
    return li
  }
  function list() {
    var page = document.querySelector('[data-downloads-list]')
    var offline = document.querySelector('[data-offline-downloads]')
    if (!page && !offline) return
    ask({ type: 'downloads' }).then(function (found) {
      var downloads = (found && found.downloads) || []
      if (page) {
        page.textContent = ''
        downloads.forEach(function (d) { page.appendChild(item(d, true)) })
        toggle(document, '[data-downloads-empty]', !downloads.length)
        var used = downloads.reduce(function (sum, d) { return sum + (d.bytes || 0) }, 0)
        free().then(function (room) {
          var line = document.querySelector('[data-downloads-space]')
          line.textContent = fill(texts().space, { used: size(used), free: room === null ? '?' : size(room) })
        })
        document.querySelectorAll('[data-device]').forEach(function (row) {
          if (row.dataset.device === found.device) row.querySelector('[data-device-name]').textContent = texts().thisDevice
        })
      }
      if (offline) {
        var ready = downloads.filter(function (d) { return d.state === 'done' })
        offline.textContent = ''
        ready.forEach(function (d) { offline.appendChild(item(d, false)) })
        offline.closest('section').hidden = !ready.length
      }
    })
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-download-action]')
    if (!button) return
    var holder = button.closest('[data-download], [data-movie]')
    var movie = holder.dataset.download || holder.dataset.movie
    ask({ type: 'download-' + button.dataset.downloadAction, movie: Number(movie) }).then(function () {
      if (button.dataset.downloadAction !== 'delete') return
      document.querySelectorAll('[data-download="' + movie + '"]').forEach(function (control) { render(control, null) })
      list()
    })
  })
  sw.addEventListener('message', function (event) {
    var data = event.data || {}
    if (data.type !== 'download') return
    var d = data.download
    document.querySelectorAll('[data-download="' + d.movie + '"]').forEach(function (control) { render(control, d) })
    var row = document.querySelector('.download-item[data-movie="' + d.movie + '"] [data-download-status]')
    if (row) {
      row.textContent = describe(d)
      actions(row.parentElement, d)
    }
    if (d.state === 'done' || d.state === 'failed') list()
  })

  function setUpAll() {
    toggle(document, '[data-downloads-page]', true)
    document.querySelectorAll('[data-download]').forEach(setUp)
    toggle(document, '[data-downloads-needs-js]', false)
  }
  document.addEventListener('htmx:load', setUpAll)
  sw.ready.then(function () {
    setUpAll()
    list()
    // Downloads the network interrupted go on now, and whenever the connection returns.
    if (navigator.onLine) ask({ type: 'downloads-resume' })
  })
  window.addEventListener('online', function () { ask({ type: 'downloads-resume' }) })
  // A browser ends a worker's long event after some minutes: while a page is open, a stopped loop starts again.
  setInterval(function () { if (navigator.onLine && document.querySelector('[data-download-action="pause"]:not([hidden])')) ask({ type: 'downloads-resume' }) }, 60000)
})()
