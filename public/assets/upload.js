// The operators' uploader on /admin/videos (loaded by that page only). With it, the upload form's file goes through
// the JSON API in parts: POST /api/v1/admin/videos → {id, part_size}; PUT …/:id/parts/:n (two at a time, with
// progress); POST …/:id/complete. What is under way is kept in localStorage (id, file name, size, date), so after a
// reload the page offers to resume it: the operator picks the same file again (a browser keeps no file across
// reloads) and only the parts the server lacks are sent. Every word shown comes from the form's data-msg-*
// attributes, in the page's language. Without this script the form posts the file itself (small files only).
(function () {
  'use strict'
  var form = document.querySelector('form[data-uploader]')
  if (!form || !window.fetch || !window.XMLHttpRequest || !window.Promise || !window.Blob || !Blob.prototype.slice) return
  var KEY = 'flixpeek.uploads'
  var API = '/api/v1/admin/videos'
  var PARALLEL = 2
  var RETRIES = 2
  var panel = document.querySelector('[data-upload-panel]') || form.parentNode
  var fileInput = form.querySelector('input[type="file"]')
  var box = panel.querySelector('[data-upload-progress]')
  var bar = panel.querySelector('[data-upload-bar]')
  var percentText = panel.querySelector('[data-upload-percent]')
  var status = panel.querySelector('[data-upload-status]')
  var submit = form.querySelector('[data-upload-submit]')
  var cancelButton = panel.querySelector('[data-upload-cancel]')
  var resume = panel.querySelector('[data-upload-resume]')
  var resumeText = resume && resume.querySelector('[data-resume-text]')
  var resumeFile = resume && resume.querySelector('[data-resume-file]')
  var locale = form.getAttribute('data-locale') || document.documentElement.lang || undefined
  var job = null
  var waiting = null

  // A message with its {placeholders} filled, each value isolated (FSI…PDI) so a Latin file name reads right in Arabic.
  function msg(name, params) {
    var text = form.getAttribute('data-msg-' + name) || ''
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return params && Object.prototype.hasOwnProperty.call(params, key) ? '\u2068' + params[key] + '\u2069' : whole
    })
  }
  function say(text) {
    status.textContent = text
  }
  function format(n, options) {
    try {
      return new Intl.NumberFormat(locale, options).format(n)
    } catch (e) {
      return String(n)
    }
  }
  function percent(fraction) {
    return format(Math.min(1, Math.max(0, fraction)), { style: 'percent', maximumFractionDigits: 0 })
  }
  // As the page formats sizes (views/components/admin/video-format.ts): 1024-based, in the reader's units, from kilobytes up.
  function bytes(n) {
    var units = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte']
    var unit = 0
    n /= 1024
    while (n >= 1024 && unit < units.length - 1) {
      n /= 1024
      unit++
    }
    return format(n, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: n < 10 && n > 0 ? 1 : 0 })
  }

  // What is under way, by video id: [{id, name, size, lastModified, partSize}].
  function saved() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || '[]')
      return Array.isArray(list) ? list : []
    } catch (e) {
      return []
    }
  }
  function store(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list))
      else localStorage.removeItem(KEY)
    } catch (e) {
      // Private mode or a full storage: uploads still work, only resuming after a reload does not.
    }
  }
  function remember(entry) {
    store(saved().filter(function (e) { return e.id !== entry.id }).concat([entry]))
  }
  function forget(id) {
    store(saved().filter(function (e) { return e.id !== id }))
  }

  function failure(statusCode, data) {
    var error = new Error((data && data.error && data.error.message) || '')
    error.status = statusCode
    var details = data && data.error && data.error.details
    if (details && details.length) {
      error.message += ' ' + details.map(function (d) { return d.path ? d.path + ': ' + d.message : d.message }).join('; ')
    }
    return error
  }
  function stopped() {
    var error = new Error('stopped')
    error.stopped = true
    return error
  }

  // The JSON API, with the session cookie; the browser's Origin header is what the CSRF check reads.
  function api(method, path, body) {
    var headers = { Accept: 'application/json' }
    if (body) headers['Content-Type'] = 'application/json'
    return fetch(API + path, { method: method, credentials: 'same-origin', headers: headers, body: body ? JSON.stringify(body) : undefined })
      .catch(function () {
        throw failure(0, null)
      })
      .then(function (res) {
        if (res.status === 204) return null
        return res.json().catch(function () { return null }).then(function (data) {
          if (!res.ok) throw failure(res.status, data)
          return data
        })
      })
  }

  function refreshList() {
    if (window.htmx && document.getElementById('video-library')) {
      window.htmx.ajax('GET', '/admin/videos/list', { target: '#video-library', swap: 'outerHTML' })
    }
  }

  function busy(on) {
    submit.disabled = on
    cancelButton.hidden = !on
    box.hidden = false
    if (resume && on) resume.hidden = true
    form.querySelectorAll('input').forEach(function (input) { input.disabled = on })
  }

  function progress() {
    var sent = job.done
    Object.keys(job.inflight).forEach(function (n) { sent += job.inflight[n] })
    var fraction = job.size ? Math.min(1, sent / job.size) : 1
    bar.value = Math.round(fraction * 1000) / 10
    percentText.textContent = percent(fraction)
    // The live region hears every tenth, not every event.
    var step = Math.floor(fraction * 10)
    if (step !== job.announced) {
      job.announced = step
      say(msg('progress', { file: job.name, percent: percent(fraction) }))
    }
  }

  function partRange(n) {
    var start = (n - 1) * job.partSize
    return [start, Math.min(job.size, start + job.partSize)]
  }

  // One part as raw bytes (XMLHttpRequest: it reports upload progress, fetch does not).
  function sendPart(n) {
    var current = job
    return new Promise(function (resolve, reject) {
      if (current.cancelled) return reject(stopped())
      var range = partRange(n)
      var xhr = new XMLHttpRequest()
      current.requests.push(xhr)
      var settle = function () {
        current.requests = current.requests.filter(function (r) { return r !== xhr })
        delete current.inflight[n]
      }
      xhr.open('PUT', API + '/' + current.id + '/parts/' + n)
      xhr.setRequestHeader('Content-Type', 'application/octet-stream')
      xhr.setRequestHeader('Accept', 'application/json')
      xhr.upload.onprogress = function (event) {
        current.inflight[n] = event.loaded
        if (job === current) progress()
      }
      xhr.onload = function () {
        settle()
        if (xhr.status >= 200 && xhr.status < 300) {
          current.done += range[1] - range[0]
          if (job === current) progress()
          return resolve()
        }
        var data = null
        try {
          data = JSON.parse(xhr.responseText)
        } catch (e) {
          // not JSON: the status says enough
        }
        reject(failure(xhr.status, data))
      }
      xhr.onerror = function () {
        settle()
        reject(current.cancelled ? stopped() : failure(0, null))
      }
      xhr.onabort = function () {
        settle()
        reject(stopped())
      }
      xhr.send(current.file.slice(range[0], range[1]))
    })
  }

  // A dropped connection or a server hiccup is tried again (twice, after 1 s then 3 s); a refusal is not.
  function sendWithRetries(n, attempt) {
    return sendPart(n).catch(function (error) {
      var again = !error.stopped && (error.status === 0 || error.status >= 500) && attempt < RETRIES
      if (!again) throw error
      return new Promise(function (resolve) { setTimeout(resolve, attempt ? 3000 : 1000) }).then(function () {
        return sendWithRetries(n, attempt + 1)
      })
    })
  }

  function sendParts(numbers) {
    var queue = numbers.slice()
    var current = job
    function next() {
      if (current.cancelled || current.failed || !queue.length) return Promise.resolve()
      return sendWithRetries(queue.shift(), 0).then(next, function (error) {
        // The first failure stops the others (they would only pile up behind it).
        if (!current.failed) {
          current.failed = error
          current.requests.forEach(function (r) { r.abort() })
        }
        throw current.failed
      })
    }
    var lanes = []
    for (var i = 0; i < PARALLEL; i++) lanes.push(next())
    return Promise.all(lanes)
  }

  // Sends the parts the server does not have (`received`: part numbers stored), then completes the upload.
  function run(entry, file, received) {
    job = { id: entry.id, name: entry.name, size: entry.size, partSize: entry.partSize, file: file, done: 0, inflight: {}, requests: [], announced: -1 }
    var total = Math.max(1, Math.ceil(entry.size / entry.partSize))
    var missing = []
    for (var n = 1; n <= total; n++) {
      if (received.indexOf(n) === -1) missing.push(n)
      else job.done += partRange(n)[1] - partRange(n)[0]
    }
    progress()
    return sendParts(missing)
      .then(function () {
        say(msg('finishing', { file: entry.name }))
        return api('POST', '/' + entry.id + '/complete')
      })
      .then(function () {
        forget(entry.id)
        bar.value = 100
        percentText.textContent = percent(1)
        say(msg('done', { file: entry.name }))
        form.reset()
        finish()
        showResume()
      })
  }

  function finish() {
    job = null
    busy(false)
    refreshList()
  }

  // A stopped upload (cancelled, or the page going away) says nothing here: its canceller does.
  function failed(entry, name, error) {
    if (error.stopped) return
    if (error.status === 0) say(msg('offline', { file: name }))
    else if (!entry) say(error.message)
    else say(msg('failed', { file: name, reason: error.message }))
    finish()
    if (entry) showResume()
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    if (job) return
    var file = fileInput.files && fileInput.files[0]
    if (!file) return fileInput.focus()
    var field = function (name) { return (form.elements[name] && form.elements[name].value.trim()) || '' }
    var body = { movie_id: Number(field('movie_id')), size: file.size, license: field('license') }
    if (field('credit')) body.credit = field('credit')
    if (field('label')) body.label = field('label')
    var entry = null
    job = { cancelled: false, requests: [], inflight: {} }
    var pending = job
    busy(true)
    bar.value = 0
    percentText.textContent = percent(0)
    say(msg('starting', { file: file.name }))
    api('POST', '', body)
      .then(function (video) {
        entry = { id: video.id, name: file.name, size: file.size, lastModified: file.lastModified, partSize: video.part_size }
        remember(entry)
        refreshList()
        if (pending.cancelled) return cancelUpload(entry)
        return run(entry, file, [])
      })
      .catch(function (error) { failed(entry, file.name, error) })
  })

  function cancelUpload(entry) {
    return api('POST', '/' + entry.id + '/cancel')
      .catch(function () { return null })
      .then(function () {
        forget(entry.id)
        say(msg('cancelled', { file: entry.name }))
        finish()
      })
  }

  cancelButton.addEventListener('click', function () {
    if (!job) return
    job.cancelled = true
    job.requests.forEach(function (r) { r.abort() })
    // Before the server answered the first call there is nothing to cancel yet: the submit handler does it then.
    if (job.id) cancelUpload({ id: job.id, name: job.name })
  })

  // After a reload: the first upload this browser left unfinished that the server still waits for.
  function showResume() {
    if (!resume) return
    var entries = saved()
    waiting = null
    resume.hidden = true
    if (!entries.length || job) return
    var entry = entries[0]
    api('GET', '/' + entry.id)
      .then(function (video) {
        if (!video || video.status !== 'uploading') throw failure(404, null)
        waiting = { entry: entry, parts: (video.parts || []).map(function (p) { return p.n }) }
        resumeText.textContent = msg('resume', { file: entry.name, size: bytes(entry.size) })
        resumeFile.value = ''
        resume.hidden = false
      })
      .catch(function (error) {
        if (error.status === 0) return
        forget(entry.id)
        say(msg('gone', { file: entry.name }))
        showResume()
      })
  }

  if (resume) {
    resume.querySelector('[data-resume-start]').addEventListener('click', function () {
      if (!waiting || job) return
      var entry = waiting.entry
      var file = resumeFile.files && resumeFile.files[0]
      if (!file) return resumeFile.focus()
      if (file.name !== entry.name || file.size !== entry.size || file.lastModified !== entry.lastModified) {
        return say(msg('mismatch', { file: entry.name, size: bytes(entry.size) }))
      }
      job = { cancelled: false, requests: [], inflight: {} }
      busy(true)
      say(msg('resuming', { file: entry.name }))
      // The parts are read again: another tab may have sent some since the page loaded.
      api('GET', '/' + entry.id)
        .then(function (video) {
          if (video.status !== 'uploading') throw failure(404, null)
          return run(entry, file, (video.parts || []).map(function (p) { return p.n }))
        })
        .catch(function (error) {
          if (error.status === 404) {
            forget(entry.id)
            say(msg('gone', { file: entry.name }))
            finish()
            return showResume()
          }
          failed(entry, entry.name, error)
        })
    })
    resume.querySelector('[data-resume-discard]').addEventListener('click', function () {
      if (!waiting || job) return
      var entry = waiting.entry
      cancelUpload(entry).then(showResume)
    })
  }

  showResume()
})()
