// Flixpeek's own script: only what htmx does not do. Everything works without it.
(function () {
  'use strict'
  var root = document.documentElement
  var ahead = root.dir === 'rtl' ? -1 : 1

  // Hide prev/next at a row's ends. Observed, never measured: reading a track's scroll sizes made the browser
  // recompute style and layout on the spot, a long task while the page was loading.
  function watchEdges(track) {
    var first = track.firstElementChild
    var last = track.lastElementChild
    var viewport = track.parentElement
    if (!first || !viewport || track.hasAttribute('data-edges')) return
    track.setAttribute('data-edges', '')
    var prev = viewport.querySelector('.row-nav.prev')
    var next = viewport.querySelector('.row-nav.next')
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var shown = entry.intersectionRatio >= 0.95
        if (entry.target === first && prev) prev.classList.toggle('at-edge', shown)
        if (entry.target === last && next) next.classList.toggle('at-edge', shown)
      })
    }, { root: track, threshold: [0, 0.95] })
    observer.observe(first)
    if (last !== first) observer.observe(last)
  }

  function watchAll(scope) {
    (scope || document).querySelectorAll('.row-track').forEach(watchEdges)
  }
  // Prev/next page a row by most of its width.
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.row-nav')
    if (!button) return
    var track = button.parentElement.querySelector('.row-track')
    if (!track) return
    var dir = (Number(button.getAttribute('data-dir')) || 1) * ahead
    track.scrollBy({ left: dir * track.clientWidth * 0.85, behavior: 'smooth' })
  })

  // Arrow keys move between the cards of a row (Home/End jump to its ends).
  document.addEventListener('keydown', function (event) {
    var link = event.target.closest && event.target.closest('.row-track > .card > .card-link')
    if (!link) return
    var keys = { ArrowRight: ahead, ArrowLeft: -ahead, Home: -Infinity, End: Infinity }
    var step = keys[event.key]
    if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return
    var cards = Array.from(link.closest('.row-track').querySelectorAll(':scope > .card > .card-link'))
    var index = cards.indexOf(link)
    var target = step === -Infinity ? 0 : step === Infinity ? cards.length - 1 : index + step
    if (target < 0 || target >= cards.length || target === index) return
    event.preventDefault()
    cards[target].focus()
    cards[target].scrollIntoView({ block: 'nearest', inline: 'nearest' })
  })

  // <details class="menu"> closes on an outside click or Escape.
  function closeMenus(except) {
    document.querySelectorAll('details.menu[open]').forEach(function (menu) {
      if (menu !== except) menu.removeAttribute('open')
    })
  }
  document.addEventListener('click', function (event) {
    closeMenus(event.target.closest && event.target.closest('details.menu'))
  })
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return
    var open = document.querySelector('details.menu[open]')
    if (!open) return
    closeMenus(null)
    var summary = open.querySelector('summary')
    if (summary) summary.focus()
  })

  // aria-busy on what htmx is about to replace.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail && event.detail.target
    if (target) target.setAttribute('aria-busy', 'true')
  })
  document.addEventListener('htmx:afterRequest', function (event) {
    var target = event.detail && event.detail.target
    if (target) target.removeAttribute('aria-busy')
  })
  // htmx's snapshot for Back keeps no loading state or open menu.
  document.addEventListener('htmx:beforeHistorySave', function () {
    document.querySelectorAll('[aria-busy]').forEach(function (el) { el.removeAttribute('aria-busy') })
    closeMenus(null)
  })
  // A swapped-in My List toggle updates the film's other toggles.
  document.addEventListener('htmx:load', function (event) {
    var fresh = event.target.matches && event.target.matches('.watchlist-form') && event.target.querySelector('.watchlist-toggle')
    if (!fresh) return
    var id = fresh.getAttribute('data-movie-id')
    var on = fresh.getAttribute('aria-pressed')
    var action = '/watchlist/' + id + (on === 'true' ? '/remove' : '')
    document.querySelectorAll('.watchlist-toggle[data-movie-id="' + id + '"]').forEach(function (button) {
      var form = button.closest('form')
      if (button.getAttribute('aria-pressed') === on) return
      button.setAttribute('aria-pressed', on)
      button.classList.toggle('in-list', on === 'true')
      button.title = fresh.title
      button.querySelector('.icon').textContent = fresh.querySelector('.icon').textContent
      form.setAttribute('action', action)
      form.setAttribute('hx-post', action)
      window.htmx.process(form)
    })
  })
  document.addEventListener('htmx:afterSettle', function () {
    watchAll()
  })
  watchAll()
})()
