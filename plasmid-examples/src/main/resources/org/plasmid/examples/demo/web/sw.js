// The demo's service worker: keeps the app shell (HTML, JS, CSS) so the page also opens while offline.
// Network first, so a running server always serves the latest files; the cache is the fallback.
// The sync API (/plasmid/) is never touched: the client handles being offline itself.
const CACHE = 'plasmid-todo-shell-v1';
const SHELL = ['./', 'index.html', 'app.js', 'plasmid-client.js', 'style.css', 'demo-config.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/plasmid/')) {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })
    .then((cached) => cached || (event.request.mode === 'navigate' ? caches.match('./') : Response.error()))));
});
