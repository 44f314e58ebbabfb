// Plasmid Todo: the demo app. Items live in IndexedDB through plasmid-client.js and sync across devices.
import { Credentials, Database, PlasmidError, sameJson } from './plasmid-client.js';

const LISTS = 'plasmid-todo.lists';      // localStorage: the lists this device knows, [{access, secret, dbname}]
const CURRENT = 'plasmid-todo.current';  // localStorage: the access token of the list on screen

const $ = (id) => document.getElementById(id);
let db;
let config;
let filter = 'all';
let editingKey = null;

main().catch((e) => showMessage(e.message, true));

async function main() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn('no offline app shell:', e));
  }
  config = await (await fetch('demo-config.json', { cache: 'no-store' })).json();
  const joined = readShareCode(location.hash.slice(1));
  if (joined) {
    remember(joined);
    history.replaceState(null, '', location.pathname);
  }
  let list = currentList();
  if (!list) {
    showMessage('Creating your list…');
    try {
      const signup = new Credentials({ api: config.api, ...config.signup });
      const guest = await Credentials.createGuest(config.api, signup);
      list = { access: guest.access, secret: guest.secret, dbname: guest.dbname };
      remember(list);
    } catch (e) {
      const why = e instanceof PlasmidError && e.reason === 'offline' ? 'you are offline' : e.message;
      throw new Error(`Could not create a list (${why}). Reload to try again.`);
    }
  }
  hideMessage();
  bindUi();
  open(list);
  // A share link opened in a tab that already shows the app only changes the fragment.
  addEventListener('hashchange', () => {
    const shared = readShareCode(location.hash.slice(1));
    if (!shared) return;
    history.replaceState(null, '', location.pathname);
    remember(shared);
    open(shared);
  });
}

function open(list) {
  if (db) db.close();
  $('conflict').hidden = true;  // a question about the list being left is moot
  $('todos').replaceChildren();
  editingKey = null;
  const credentials = new Credentials({ api: config.api, ...list });
  db = new Database({
    name: `plasmid-todo-${list.dbname}`,
    remotename: list.dbname,
    api: config.api,
    credentials,
    schema: { version: 1, stores: { todos: { sync: true }, prefs: { sync: false } } },
    onconflict: resolveConflict,
  });
  document.body.dataset.list = list.dbname;
  $('share-link').value = `${location.origin}${location.pathname}#${shareCode(list)}`;
  renderLists();
  db.on('change', scheduleRender);
  db.on('status', renderStatus);
  db.on('error', (e) => {
    if (e.reason === 'unauthorized' || e.reason === 'forbidden') {
      showMessage('The server refused this list\'s credentials (was its hub reset?). Your items are still here; '
        + 'start a "New list" under "Open this list on another device" to sync again.', true);
    }
  });
  db.on('status', (s) => { if (s.online && !s.error) hideMessage(); });
  db.on('opensuccess', async () => {
    filter = (await db.get('prefs', 'filter')) || 'all';
    renderStatus(db.status);
    await render();
    db.live();
  });
  db.on('openerror', (e) => showMessage(`This browser cannot store data: ${e.message}`, true));
}

// ---- conflicts

/**
 * The app's conflict policy: edits to different fields merge silently (three-way, from `base`); the
 * same field changed on both sides, or an edit against a delete, asks the user.
 */
async function resolveConflict({ mine, theirs, base }) {
  if (mine && theirs && base) {
    const fields = ['title', 'done'];
    const changedHere = fields.filter((f) => mine[f] !== base[f]);
    const changedThere = fields.filter((f) => theirs[f] !== base[f]);
    if (!changedHere.some((f) => changedThere.includes(f) && mine[f] !== theirs[f])) {
      const merged = { ...theirs };
      changedHere.forEach((f) => { merged[f] = mine[f]; });
      toast('Merged your change with one from another device');
      return sameJson(merged, theirs) ? 'theirs' : { merged };
    }
  }
  return askUser(mine, theirs);
}

function askUser(mine, theirs) {
  const describe = (v) => (v === null ? 'deleted' : `${v.title}${v.done ? ' ✓ done' : ''}`);
  $('conflict-mine').textContent = describe(mine);
  $('conflict-theirs').textContent = describe(theirs);
  const both = mine !== null && theirs !== null;
  $('conflict-text').textContent = both
    ? 'This item was edited on another device while you had unsynced edits to it here.'
    : mine === null
      ? 'You deleted this item here, but it was edited on another device.'
      : 'You edited this item here, but it was deleted on another device.';
  $('merge-row').hidden = $('merge-label').hidden = !both;
  if (both) $('merge-input').value = mine.title === theirs.title ? mine.title : `${mine.title} / ${theirs.title}`;
  $('keep-mine').textContent = mine === null ? 'Keep it deleted' : 'Keep mine';
  $('take-theirs').textContent = theirs === null ? 'Delete it' : 'Take theirs';
  $('conflict').hidden = false;
  return new Promise((resolve) => {
    const done = (resolution) => {
      $('conflict').hidden = true;
      $('keep-mine').onclick = $('take-theirs').onclick = $('use-merged').onclick = null;
      resolve(resolution);
    };
    $('keep-mine').onclick = () => done('mine');
    $('take-theirs').onclick = () => done('theirs');
    $('use-merged').onclick = () => {
      const title = $('merge-input').value.trim();
      if (title) done({ merged: { ...theirs, title, done: mine.done && theirs.done } });
    };
    (both ? $('merge-input') : $('keep-mine')).focus();
  });
}

// ---- rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

async function render() {
  const items = (await db.getAll('todos'))
    .sort((a, b) => (a.value.created - b.value.created) || a.key.localeCompare(b.key));
  const shown = items.filter(({ value }) => filter === 'all' || (filter === 'done') === Boolean(value.done));
  const ul = $('todos');
  const existing = new Map([...ul.children].map((li) => [li.dataset.key, li]));
  shown.forEach(({ key, value }, i) => {
    let li = existing.get(key);
    existing.delete(key);
    if (!li) li = itemElement(key);
    if (key !== editingKey) fillItem(li, value);
    if (ul.children[i] !== li) ul.insertBefore(li, ul.children[i] || null);
  });
  existing.forEach((li, key) => {
    if (key === editingKey) editingKey = null;
    li.remove();
  });
  const left = items.filter((i) => !i.value.done).length;
  $('count').textContent = `${left} to do, ${items.length - left} done`;
  $('empty').hidden = items.length > 0;
  document.querySelectorAll('[data-filter]').forEach((b) => b.classList.toggle('active', b.dataset.filter === filter));
}

function itemElement(key) {
  const li = document.createElement('li');
  li.className = 'todo';
  li.dataset.key = key;
  li.innerHTML = `
    <input type="checkbox" class="toggle" aria-label="Done">
    <span class="title" tabindex="0" title="Double-click to edit"></span>
    <button type="button" class="edit icon" aria-label="Edit">✎</button>
    <button type="button" class="delete icon" aria-label="Delete">✕</button>`;
  return li;
}

function fillItem(li, value) {
  li.querySelector('.toggle').checked = Boolean(value.done);
  li.classList.toggle('done', Boolean(value.done));
  const title = li.querySelector('.title');
  if (title.textContent !== value.title) title.textContent = value.title;
}

function startEditing(li) {
  if (editingKey) return;
  editingKey = li.dataset.key;
  const title = li.querySelector('.title');
  const input = document.createElement('input');
  input.className = 'edit-input';
  input.value = title.textContent;
  input.setAttribute('aria-label', 'Edit item');
  title.replaceWith(input);
  input.focus();
  input.select();
  let finished = false;
  const finish = async (save) => {
    if (finished) return;
    finished = true;
    const key = li.dataset.key;
    const newTitle = input.value.trim();
    input.replaceWith(title);
    editingKey = null;
    const current = await db.get('todos', key);
    if (save && current && newTitle && newTitle !== current.title) {
      await db.put('todos', key, { ...current, title: newTitle });
    }
    scheduleRender();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') finish(true);
    if (e.key === 'Escape') finish(false);
  });
  input.addEventListener('blur', () => finish(true));
}

function renderStatus(s) {
  const el = $('status');
  el.dataset.online = s.online === null ? 'unknown' : String(s.online);
  el.dataset.syncing = String(s.syncing);
  $('status-online').textContent = s.online === false ? 'Offline' : s.online ? 'Online' : 'Connecting…';
  $('status-sync').textContent = s.syncing ? 'syncing…' : s.online && s.pending === 0 ? 'up to date' : '';
  $('status-revision').textContent = String(s.revision);
  const pending = $('status-pending');
  pending.dataset.count = String(s.pending);
  pending.textContent = `${s.pending} pending`;
  pending.classList.toggle('has-pending', s.pending > 0);
  el.title = s.lastSync ? `Last synced ${s.lastSync.toLocaleTimeString()}` : 'Not synced yet';
}

// ---- user actions

function bindUi() {
  $('add-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('new-title');
    const title = input.value.trim();
    if (!title) return;
    input.value = '';
    await db.put('todos', newKey(), { title, done: false, created: Date.now() });
  });
  $('todos').addEventListener('click', async (e) => {
    const li = e.target.closest('li.todo');
    if (!li) return;
    const key = li.dataset.key;
    if (e.target.matches('.toggle')) {
      const current = await db.get('todos', key);
      if (current) await db.put('todos', key, { ...current, done: e.target.checked });
    } else if (e.target.matches('.delete')) {
      await db.delete('todos', key);
    } else if (e.target.matches('.edit')) {
      startEditing(li);
    }
  });
  $('todos').addEventListener('dblclick', (e) => {
    const li = e.target.closest('li.todo');
    if (li && e.target.matches('.title')) startEditing(li);
  });
  $('todos').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches('.title')) startEditing(e.target.closest('li.todo'));
  });
  document.querySelectorAll('[data-filter]').forEach((b) => b.addEventListener('click', async () => {
    filter = b.dataset.filter;
    await db.put('prefs', 'filter', filter);
    render();
  }));
  $('clear-done').addEventListener('click', async () => {
    for (const { key, value } of await db.getAll('todos')) if (value.done) await db.delete('todos', key);
  });
  $('share-hint').addEventListener('click', (e) => {
    e.preventDefault();
    $('share').open = true;
    $('share').scrollIntoView({ behavior: 'smooth' });
  });
  $('copy-link').addEventListener('click', async () => {
    $('share-link').select();
    try {
      await navigator.clipboard.writeText($('share-link').value);
      toast('Link copied');
    } catch {
      toast('Select the link and copy it');
    }
  });
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('join-input').value.trim();
    const list = readShareCode(text.includes('#') ? text.slice(text.indexOf('#') + 1) : text);
    if (!list) {
      toast('That is not a Plasmid Todo link or code');
      return;
    }
    $('join-input').value = '';
    remember(list);
    open(list);
    toast('Opened the shared list');
  });
  $('lists').addEventListener('change', () => {
    const list = knownLists().find((l) => l.access === $('lists').value);
    if (list) {
      remember(list);
      open(list);
    }
  });
  $('new-list').addEventListener('click', () => {
    localStorage.removeItem(CURRENT);
    location.reload();
  });
}

function renderLists() {
  const select = $('lists');
  const current = localStorage.getItem(CURRENT);
  select.replaceChildren(...knownLists().map((l, i) => {
    const option = new Option(`List ${i + 1} (${l.access.slice(1, 7)})`, l.access);
    option.selected = l.access === current;
    return option;
  }));
}

// ---- lists and share codes

function shareCode(list) {
  const json = JSON.stringify({ a: list.access, s: list.secret, d: list.dbname });
  return `list=${btoa(json).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}`;
}

function readShareCode(text) {
  const m = /^(?:list=)?([A-Za-z0-9_-]{16,})$/.exec(text.trim());
  if (!m) return null;
  try {
    const { a, s, d } = JSON.parse(atob(m[1].replaceAll('-', '+').replaceAll('_', '/')));
    return a && s && d ? { access: a, secret: s, dbname: d } : null;
  } catch {
    return null;
  }
}

function knownLists() {
  try {
    return JSON.parse(localStorage.getItem(LISTS)) || [];
  } catch {
    return [];
  }
}

function remember(list) {
  const lists = knownLists().filter((l) => l.access !== list.access);
  lists.push(list);
  localStorage.setItem(LISTS, JSON.stringify(lists));
  localStorage.setItem(CURRENT, list.access);
}

function currentList() {
  return knownLists().find((l) => l.access === localStorage.getItem(CURRENT)) || null;
}

function newKey() {
  return `${Date.now().toString(36)}-${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- messages

function showMessage(text, error = false) {
  const el = $('message');
  el.textContent = text;
  el.classList.toggle('error', error);
  el.hidden = false;
}

function hideMessage() {
  $('message').hidden = true;
}

let toastTimer;
function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 2500);
}
