// The profile's Web Push switch (docs/push.md). Shown only where the browser can do Web Push; turning it on
// asks for the notification permission (never before), subscribes with the server's VAPID key, registers
// the subscription and saves notifications.push; turning it off unsubscribes and unregisters.
// Without JavaScript the switch stays hidden (its stored value is still sent with the form).
(function () {
  'use strict'
  var box = document.querySelector('[data-push-switch]')
  if (!box || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return
  var input = box.querySelector('input')
  var status = box.querySelector('[data-push-status]')
  box.hidden = false
  // The switch shows this browser: on only while it holds a subscription and the account wants push. The account's
  // saved preference travels with the profile form in a field of its own, so saving the form from a browser that is
  // not subscribed does not turn push off for the account's other browsers.
  var saved = document.createElement('input')
  saved.type = 'hidden'
  saved.name = input.name
  saved.value = '1'
  input.removeAttribute('name')
  function keepSaved(on) {
    if (on) box.appendChild(saved)
    else if (saved.parentNode) saved.parentNode.removeChild(saved)
  }
  keepSaved(input.checked)
  navigator.serviceWorker.ready
    .then(function (registration) {
      return registration.pushManager.getSubscription()
    })
    .then(function (subscription) {
      if (subscription || !input.checked || input.disabled) return
      input.checked = false
      say('off')
    })
    .catch(function () {})

  function say(key) {
    status.textContent = box.getAttribute('data-' + key)
  }
  function call(method, path, body) {
    return fetch('/api/v1' + path, {
      method: method,
      credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      if (!res.ok) throw new Error(method + ' ' + path + ': ' + res.status)
      return res.status === 204 ? null : res.json()
    })
  }
  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((base64url.length + 3) % 4))
    var bytes = new Uint8Array(text.length)
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
    return bytes
  }
  // The other switches keep their saved values (the form's unsaved changes are the form's to save).
  function savePreference(on) {
    return call('GET', '/me').then(function (me) {
      var notifications = Object.assign({}, me.notifications, { push: on })
      return call('PATCH', '/me', { notifications: notifications })
    }).then(function () {
      keepSaved(on)
    })
  }
  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') {
        input.checked = false
        return say('denied')
      }
      return Promise.all([call('GET', '/push/public-key'), navigator.serviceWorker.ready])
        .then(function (got) {
          return got[1].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(got[0].key) })
        })
        .then(function (subscription) {
          return call('PUT', '/me/push-subscriptions', subscription.toJSON())
        })
        .then(function () {
          return savePreference(true)
        })
        .then(function () {
          say('on')
        })
    })
  }
  function turnOff() {
    return navigator.serviceWorker.ready
      .then(function (registration) {
        return registration.pushManager.getSubscription()
      })
      .then(function (subscription) {
        if (!subscription) return
        return call('DELETE', '/me/push-subscriptions', { endpoint: subscription.endpoint }).then(function () {
          return subscription.unsubscribe()
        })
      })
      .then(function () {
        return savePreference(false)
      })
      .then(function () {
        say('off')
      })
  }
  input.addEventListener('change', function () {
    var wanted = input.checked
    var work = wanted ? turnOn() : turnOff()
    input.disabled = true
    work
      .catch(function () {
        input.checked = !wanted
        say('failed')
      })
      .then(function () {
        input.disabled = false
      })
  })
})()
