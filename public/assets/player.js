// The player page's script (/watch/:id). Without it the <video> plays the progressive MP4 with the browser's own
// controls; with it: the HLS ladder through hls.js (Media Source) where it works, the browser's own HLS where only
// that does, the audio, subtitle, quality and speed settings, keys, and a fresh media token before this one expires.
(function () {
  'use strict'
  var video = document.getElementById('player')
  var page = document.querySelector('.watch')
  if (!video || !page || !video.dataset.hls) return
  var settings = page.querySelector('[data-player-settings]')
  var failure = page.querySelector('[data-player-error]')
  var TOKEN = /\/media\/t\/[^/]+\//
  var token = TOKEN.exec(video.dataset.hls)[0]
  var language = document.documentElement.lang
  var hls = null

  function control(name) {
    return page.querySelector('[data-control="' + name + '"]')
  }
  function option(select, value, label, selected) {
    var item = document.createElement('option')
    item.value = String(value)
    item.textContent = label
    item.selected = !!selected
    select.appendChild(item)
  }
  function remembered() {
    try { return localStorage.getItem('flixpeek-subtitles') } catch (e) { return null }
  }
  function remember(value) {
    try { localStorage.setItem('flixpeek-subtitles', value) } catch (e) { /* private mode: this visit only */ }
  }

  // A new token before this one expires (half its life, at most a minute before the end); hls.js then asks for
  // every file under it (xhrSetup below), so the stream goes on without a reload.
  function refreshLater(expiresAt) {
    var left = Date.parse(expiresAt) - Date.now()
    setTimeout(refresh, Math.max(1000, Math.max(left / 2, left - 60000)))
  }
  function refresh() {
    fetch('/api/v1/movies/' + page.dataset.movie + '/playback', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status) })
      .then(function (answer) {
        token = TOKEN.exec(answer.hls)[0]
        refreshLater(answer.expires_at)
      })
      .catch(function () { setTimeout(refresh, 10000) })
  }

  function fail(kind) {
    failure.querySelectorAll('[data-error]').forEach(function (line) { line.hidden = line.dataset.error !== kind })
    failure.hidden = false
  }
  failure.querySelector('[data-retry]').addEventListener('click', function () {
    failure.hidden = true
    if (hls && failure.dataset.kind === 'media') hls.recoverMediaError()
    else if (hls) hls.startLoad()
    else video.load()
    video.play().catch(function () {})
  })

  // Each list as hls.js learns it: levels with the manifest, audio and subtitle tracks with their own events.
  function fillAudio() {
    var audio = control('audio')
    audio.textContent = ''
    hls.audioTracks.forEach(function (track, i) { option(audio, i, track.name || track.lang, i === hls.audioTrack) })
    audio.parentElement.hidden = hls.audioTracks.length < 2
  }
  function fillSubtitles() {
    var subtitles = control('subtitles')
    while (subtitles.options.length > 1) subtitles.remove(1)
    var wanted = remembered() || language
    var chosen = -1
    hls.subtitleTracks.forEach(function (track, i) {
      if (wanted !== 'off' && chosen < 0 && track.lang === wanted) chosen = i
      option(subtitles, i, track.name || track.lang, false)
    })
    subtitles.value = String(chosen)
    subtitles.parentElement.hidden = hls.subtitleTracks.length === 0
    // After hls.js has settled its own default for the new list (this event's other listeners).
    setTimeout(function () { subtitles.dispatchEvent(new Event('change')) }, 0)
  }
  function fillQuality() {
    var quality = control('quality')
    while (quality.options.length > 1) quality.remove(1)
    hls.levels.forEach(function (level, i) { option(quality, i, level.height + 'p') })
    quality.parentElement.hidden = hls.levels.length < 2
    settings.hidden = false
  }

  function listen() {
    control('audio').addEventListener('change', function (event) { hls.audioTrack = Number(event.target.value) })
    control('subtitles').addEventListener('change', function (event) {
      var i = Number(event.target.value)
      hls.subtitleTrack = i
      hls.subtitleDisplay = i >= 0
      if (event.isTrusted) remember(i >= 0 ? hls.subtitleTracks[i].lang : 'off')
    })
    control('quality').addEventListener('change', function (event) { hls.currentLevel = Number(event.target.value) })
    control('speed').addEventListener('change', function (event) { video.playbackRate = Number(event.target.value) })
  }

  // Keys as on YouTube and Netflix: ← and → seek back and forth in every language (the timeline does not mirror).
  function seek_(by) {
    video.currentTime = Math.max(0, Math.min(video.duration || Infinity, video.currentTime + by))
  }
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    // The timeline's own arrows go back and forth in every language too (an RTL slider would turn them around).
    if (event.target === control('seek') && /^Arrow(Left|Right)$/.test(event.key)) { seek_(event.key === 'ArrowLeft' ? -5 : 5); event.preventDefault(); return }
    if (/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(event.target.tagName)) return
    var key = event.key.toLowerCase()
    if (key === ' ' || key === 'k') { if (video.paused) video.play().catch(function () {}); else video.pause() }
    else if (key === 'j') seek_(-10)
    else if (key === 'l') seek_(10)
    else if (key === 'arrowleft') seek_(-5)
    else if (key === 'arrowright') seek_(5)
    else if (key === 'm') video.muted = !video.muted
    else if (key === 'f') fullscreen()
    else if (key === 'c' && hls && hls.subtitleTracks.length) {
      control('subtitles').value = String(hls.subtitleTrack >= 0 ? -1 : 0)
      control('subtitles').dispatchEvent(new Event('change'))
    } else return
    event.preventDefault()
  })

  // Our control bar in place of the browser's: play, ±10 s, the position with trickplay thumbnails, time, sound,
  // picture-in-picture, full screen. The buttons' row mirrors in Arabic; the timeline runs left to right everywhere.
  var bar = page.querySelector('[data-player-bar]')
  var player = video.parentElement
  function button(action) { return bar.querySelector('[data-action="' + action + '"]') }
  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0))
    var h = Math.floor(s / 3600)
    var m = Math.floor((s % 3600) / 60)
    var rest = String(s % 60).padStart(2, '0')
    return h ? h + ':' + String(m).padStart(2, '0') + ':' + rest : m + ':' + rest
  }
  function show() {
    var seek = control('seek')
    var play = button('play')
    var mute = button('mute')
    if (isFinite(video.duration)) seek.max = String(video.duration)
    if (document.activeElement !== seek) seek.value = String(video.currentTime)
    seek.setAttribute('aria-valuetext', clock(video.currentTime) + ' / ' + clock(video.duration))
    bar.querySelector('[data-time]').textContent = clock(video.currentTime) + ' / ' + clock(video.duration)
    play.setAttribute('aria-label', video.paused ? play.dataset.labelPlay : play.dataset.labelPause)
    play.firstElementChild.textContent = video.paused ? '▶' : '❚❚'
    mute.setAttribute('aria-label', video.muted ? mute.dataset.labelUnmute : mute.dataset.labelMute)
    mute.firstElementChild.textContent = video.muted ? '🔇' : '🔊'
    control('volume').value = String(video.muted ? 0 : video.volume)
  }
  function toggle() { if (video.paused) video.play().catch(function () {}); else video.pause() }
  function fullscreen() { if (document.fullscreenElement) document.exitFullscreen(); else player.requestFullscreen().catch(function () {}) }
  var thumbs = []
  function loadThumbs() {
    var url = video.dataset.hls.replace(/master-r\d+\.m3u8$/, 'thumbs/thumbs.vtt').replace(TOKEN, token)
    fetch(url).then(function (res) { return res.ok ? res.text() : '' }).then(function (text) {
      var cue = /(\d+):(\d+):(\d+)\.(\d+) --> [^\n]+\n([^#\n]+)#xywh=(\d+),(\d+),(\d+),(\d+)/g
      var found
      while ((found = cue.exec(text))) thumbs.push({ at: +found[1] * 3600 + +found[2] * 60 + +found[3], file: found[5], x: +found[6], y: +found[7], w: +found[8], h: +found[9] })
    }).catch(function () {})
  }
  function preview(seconds) {
    var thumb = bar.querySelector('[data-thumb]')
    var hit = null
    thumbs.forEach(function (t) { if (t.at <= seconds) hit = t })
    if (!hit) { thumb.hidden = true; return }
    var base = video.dataset.hls.replace(/master-r\d+\.m3u8$/, 'thumbs/').replace(TOKEN, token)
    thumb.style.width = hit.w + 'px'
    thumb.style.height = hit.h + 'px'
    thumb.style.backgroundImage = 'url("' + base + hit.file + '")'
    thumb.style.backgroundPosition = -hit.x + 'px ' + -hit.y + 'px'
    thumb.style.left = 'clamp(0px, calc(' + (100 * seconds / (video.duration || 1)) + '% - ' + hit.w / 2 + 'px), calc(100% - ' + hit.w + 'px))'
    thumb.hidden = false
  }
  function enhance() {
    video.controls = false
    bar.hidden = false
    var seek = control('seek')
    button('play').addEventListener('click', toggle)
    button('back').addEventListener('click', function () { seek_(-10) })
    button('forward').addEventListener('click', function () { seek_(10) })
    button('mute').addEventListener('click', function () { video.muted = !video.muted })
    button('fullscreen').addEventListener('click', fullscreen)
    var pip = button('pip')
    if (!document.pictureInPictureEnabled) pip.hidden = true
    pip.addEventListener('click', function () {
      (document.pictureInPictureElement ? document.exitPictureInPicture() : video.requestPictureInPicture()).catch(function () {})
    })
    seek.addEventListener('input', function () { preview(Number(seek.value)) })
    seek.addEventListener('change', function () { video.currentTime = Number(seek.value); bar.querySelector('[data-thumb]').hidden = true })
    seek.addEventListener('pointermove', function (event) {
      var box = seek.getBoundingClientRect()
      preview(((event.clientX - box.left) / box.width) * (video.duration || 0))
    })
    seek.addEventListener('pointerleave', function () { bar.querySelector('[data-thumb]').hidden = true })
    seek.addEventListener('blur', function () { bar.querySelector('[data-thumb]').hidden = true })
    control('volume').addEventListener('input', function (event) {
      video.volume = Number(event.target.value)
      video.muted = video.volume === 0
    })
    video.addEventListener('click', toggle)
    ;['timeupdate', 'durationchange', 'play', 'pause', 'volumechange', 'loadedmetadata'].forEach(function (name) { video.addEventListener(name, show) })
    show()
    loadThumbs()
  }

  if ('mediaSession' in navigator && window.MediaMetadata) {
    navigator.mediaSession.metadata = new MediaMetadata({ title: document.getElementById('watch-title').textContent.trim(), artwork: video.poster ? [{ src: video.poster }] : [] })
    // The lock screen's, the headset's and the keyboard's media keys.
    var actions = {
      play: function () { video.play().catch(function () {}) },
      pause: function () { video.pause() },
      seekbackward: function (d) { seek_(-(d.seekOffset || 10)) },
      seekforward: function (d) { seek_(d.seekOffset || 10) },
      seekto: function (d) { video.currentTime = d.seekTime },
    }
    Object.keys(actions).forEach(function (name) {
      try { navigator.mediaSession.setActionHandler(name, actions[name]) } catch (e) { /* an action this browser lacks */ }
    })
  }

  // A film downloaded on this device (public/assets/sw-downloads.js) plays from the device, online or not: its own
  // one-rendition master under a token-free URL, no token to renew, and where the viewer got to offline.
  function downloaded() {
    var controller = navigator.serviceWorker && navigator.serviceWorker.controller
    if (!controller) return Promise.resolve(null)
    return new Promise(function (resolve) {
      var channel = new MessageChannel()
      channel.port1.onmessage = function (event) { resolve(event.data) }
      controller.postMessage({ type: 'download-play', movie: Number(page.dataset.movie) }, [channel.port2])
      // Offline there is nothing else to play: the worker (perhaps just starting) gets longer to answer.
      setTimeout(function () { resolve(null) }, navigator.onLine ? 2000 : 10000)
    })
  }
  function begin(copy) {
    var local = copy && copy.master
    if (copy && copy.expired && !navigator.onLine) { failure.dataset.kind = 'expired'; fail('expired'); return }
    var at = Math.max(video.currentTime, Number(video.dataset.resumeAt) || 0)
    if (local) {
      failure.hidden = true
      video.poster = copy.poster
      if (copy.position && !/[?&]from=start/.test(location.search)) at = copy.position
    }
    if (window.Hls && window.Hls.isSupported()) {
      var Hls = window.Hls
      // Where the member stopped (data-resume-at), or where the MP4 got to (a click before this script ran).
      var playing = !video.paused
      hls = new Hls({
        startPosition: at || -1,
        // A stored file keeps the URL it was fetched from (/media/d/<token>/…), which hls.js resolves the next from:
        // back to the device's canonical URL for every file of a downloaded film.
        xhrSetup: function (xhr, url) { xhr.open('GET', local ? url.replace(/\/media\/d\/[^/]+\//, '/media/o/') : url.replace(TOKEN, token), true) },
      })
      video.removeAttribute('src')
      hls.loadSource(local || video.dataset.hls)
      hls.attachMedia(video)
      hls.once(Hls.Events.MANIFEST_PARSED, function () {
        if (at > 0) video.currentTime = at
        if (playing) video.play().catch(function () {})
      })
      listen()
      hls.on(Hls.Events.MANIFEST_PARSED, fillQuality)
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, fillAudio)
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, fillSubtitles)
      hls.on(Hls.Events.ERROR, function (_, data) {
        if (!data.fatal) return
        failure.dataset.kind = data.type === Hls.ErrorTypes.MEDIA_ERROR ? 'media' : 'network'
        fail(failure.dataset.kind)
      })
      if (!local) refreshLater(video.dataset.expiresAt)
      enhance()
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = (local || video.dataset.hls) + (at > 0 ? '#t=' + at : '')
      enhance()
    }
  }
  downloaded().then(begin)
  // (The MP4's own failure offline says nothing more once an expired download has said why.)
  video.addEventListener('error', function () { if (!hls && failure.dataset.kind !== 'expired') fail('media') })
})()
