// Web Push lives here (the Web Push issue): push and notificationclick handlers, loaded by /sw.js with importScripts.
