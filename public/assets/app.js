// Flixpeek's own script: only what htmx does not do. Everything works without it.
(function () {
  'use strict'
  var root = document.documentElement
  root.classList.add('js')

  function cardsOf(track) {
    return Array.prototype.slice.call(track.querySelectorAll(':scope > .card > .card-link'))
  }

  // Hide the prev/next button at the end the track cannot scroll past.
  function updateEdges(track) {
    var viewport = track.parentElement
    if (!viewport) return
    var prev = viewport.querySelector('.row-nav.prev')
    var next = viewport.querySelector('.row-nav.next')
    var max = track.scrollWidth - track.clientWidth - 2
    if (prev) prev.classList.toggle('at-edge', track.scrollLeft <= 2)
    if (next) next.classList.toggle('at-edge', track.scrollLeft >= max)
  }

  function updateAll(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll('.row-track'), updateEdges)
  }

  // Prev/next buttons page a row by most of its visible width.
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.row-nav')
    if (!button) return
    var track = button.parentElement.querySelector('.row-track')
    if (!track) return
    var dir = Number(button.getAttribute('data-dir')) || 1
    track.scrollBy({ left: dir * track.clientWidth * 0.85, behavior: 'smooth' })
  })

  document.addEventListener('scroll', function (event) {
    var track = event.target
    if (track.classList && track.classList.contains('row-track')) updateEdges(track)
  }, true)

  // Arrow keys move between the cards of a row (Home/End jump to its ends).
  document.addEventListener('keydown', function (event) {
    var link = event.target.closest && event.target.closest('.row-track > .card > .card-link')
    if (!link) return
    var keys = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity }
    var step = keys[event.key]
    if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return
    var cards = cardsOf(link.closest('.row-track'))
    var index = cards.indexOf(link)
    var target = step === -Infinity ? 0 : step === Infinity ? cards.length - 1 : index + step
    if (target < 0 || target >= cards.length || target === index) return
    event.preventDefault()
    cards[target].focus()
    cards[target].scrollIntoView({ block: 'nearest', inline: 'nearest' })
  })

  // Disclosure menus (<details class="menu">) close on a click elsewhere or on Escape, like any menu.
  function closeMenus(except) {
    Array.prototype.forEach.call(document.querySelectorAll('details.menu[open]'), function (menu) {
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

  // aria-busy on whatever htmx is about to replace, for assistive technology.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail && event.detail.target
    if (target) target.setAttribute('aria-busy', 'true')
  })
  document.addEventListener('htmx:afterRequest', function (event) {
    var target = event.detail && event.detail.target
    if (target) target.removeAttribute('aria-busy')
  })
  // The page htmx snapshots for Back must not keep the loading state (or an open menu).
  document.addEventListener('htmx:beforeHistorySave', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[aria-busy]'), function (el) { el.removeAttribute('aria-busy') })
    closeMenus(null)
  })
  // A film can sit on one page twice (the hero and a row, a row and My List): when htmx swaps in one
  // My List toggle, the others for the same film take its state, so the page never contradicts itself.
  document.addEventListener('htmx:load', function (event) {
    var form = event.target
    if (!form.classList || !form.classList.contains('watchlist-form')) return
    var fresh = form.querySelector('.watchlist-toggle')
    if (!fresh) return
    var id = fresh.getAttribute('data-movie-id')
    var pressed = fresh.getAttribute('aria-pressed') === 'true'
    var action = '/watchlist/' + id + (pressed ? '/remove' : '')
    Array.prototype.forEach.call(document.querySelectorAll('.watchlist-toggle[data-movie-id="' + id + '"]'), function (button) {
      var other = button.closest('form')
      if (button === fresh || !other || (button.getAttribute('aria-pressed') === 'true') === pressed) return
      button.setAttribute('aria-pressed', String(pressed))
      button.classList.toggle('in-list', pressed)
      button.setAttribute('title', fresh.getAttribute('title') || '')
      var icon = button.querySelector('.icon')
      if (icon) icon.textContent = pressed ? '✓' : '+'
      other.setAttribute('action', action)
      other.setAttribute('hx-post', action)
      if (window.htmx) window.htmx.process(other)
    })
  })
  document.addEventListener('htmx:afterSettle', function (event) {
    updateAll(event.detail && event.detail.target)
  })
  window.addEventListener('resize', function () { updateAll() })
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { updateAll() })
  } else {
    updateAll()
  }
})()
