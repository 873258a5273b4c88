// Where a member is in the film, for Resume and Continue watching (src/progress/, PUT /api/v1/me/progress/:id):
// every 10 s while it plays, and on pause, seek and end; when the page goes away, a keepalive request outlives it.
// A refused report (429, offline) is kept, only the newest, and sent again later. Also what operators learn
// (POST /api/v1/me/playback-events): the start, the end, and each stall for data (the server counts one per 10 s).
;(function () {
  'use strict'
  var video = document.getElementById('player')
  var url = video && video.dataset.progress
  if (!url) return
  var sentAt = 0
  var pending = null
  var retry = null

  function report(keepalive) {
    if (!(video.duration > 0) || video.currentTime === 0) return
    sentAt = Date.now()
    send(JSON.stringify({ position: video.currentTime, at: new Date().toISOString() }), keepalive)
  }
  function send(body, keepalive) {
    pending = null
    clearTimeout(retry)
    fetch(url, { method: keepalive ? 'POST' : 'PUT', body: body, keepalive: !!keepalive, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } })
      .then(function (res) { if (res.status === 429 || res.status >= 500) later(body, Number(res.headers.get('Retry-After')) || 10) })
      .catch(function () { later(body, 10) })
  }
  function later(body, seconds) {
    pending = body
    retry = setTimeout(function () { if (pending) send(pending) }, seconds * 1000)
  }

  var started = false
  function event(name) {
    fetch('/api/v1/me/playback-events', { method: 'POST', credentials: 'same-origin', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ video_id: video.dataset.videoId, event: name, at: new Date().toISOString() }) }).catch(function () {})
  }
  video.addEventListener('playing', function () { if (!started) { started = true; event('start') } })
  video.addEventListener('ended', function () { event('complete') })
  video.addEventListener('waiting', function () { if (started && !video.seeking) event('rebuffer') })

  video.addEventListener('timeupdate', function () { if (!video.paused && Date.now() - sentAt >= 10000) report() })
  ;['pause', 'seeked', 'ended'].forEach(function (name) { video.addEventListener(name, function () { report() }) })
  window.addEventListener('pagehide', function () { report(true) })
  window.addEventListener('online', function () { if (pending) send(pending) })
})()
