/**
 * plasmid-client.js: a small, dependency-free browser client for Plasmid Sync (wire protocol v1).
 *
 * The app reads and writes a local database (IndexedDB) and works offline; the client pulls other
 * devices' changes, pushes local ones, and hands conflicts to the app. Its options follow Plasmid.js:
 *
 *     import { Credentials, Database } from './plasmid-client.js';
 *     const credentials = new Credentials({ api: '/plasmid/v1/', access: 'me', secret: 's3cret' });
 *     const db = new Database({
 *       name: 'todo', remotename: 'todo', api: '/plasmid/v1/', credentials,
 *       schema: { version: 1, stores: { todos: { sync: true }, prefs: { sync: false } } },
 *       onconflict: async ({ store, key, mine, theirs, base }) => 'mine',   // or 'theirs', or { merged: v }
 *     });
 *     db.on('opensuccess', () => db.sync());
 *
 * Model: a synced store's local edits are queued ("pending") until a push is accepted. A push is
 * accepted only if everything was pulled first, so {@link Database#sync} pulls, pushes, and on
 * `outofdate` catches up and pushes again: from the changes the refusal carries (ext, PROTOCOL.md §4:
 * `updates` and `until`, applied exactly as a pulled page), or, when it carries none, by pulling. A
 * pulled change that hits a key with a pending edit is a conflict: the `onconflict` callback decides. Every push carries a `push_id` and is saved before it
 * is sent, so a push whose answer was lost is resent as is and the server recognises it.
 *
 * @module plasmid-client
 */

const META = '__plasmid_meta';
const PENDING = '__plasmid_pending';
const FIRST_REVISION = 1;

/** An error from the server or the network. `reason` is the protocol's machine code or `offline`. */
export class PlasmidError extends Error {
  /**
   * @param {string} message a human message
   * @param {{reason?: string, status?: number, retryAfter?: number}} [details]
   */
  constructor(message, { reason = 'error', status = 0, retryAfter = 0 } = {}) {
    super(message);
    this.name = 'PlasmidError';
    /** @type {string} `offline`, `outofdate`, `quota`, `forbidden`, `unauthorized`, ... */
    this.reason = reason;
    /** @type {number} HTTP status, 0 when no answer came */
    this.status = status;
    /** @type {number} seconds to wait before retrying (503), else 0 */
    this.retryAfter = retryAfter;
  }
}

/** An access token and its secret, sent as HTTP Basic authorization on every request. */
export class Credentials {
  /**
   * @param {{api?: string, access: string, secret: string, dbname?: string|null}} options
   */
  constructor({ api = '', access, secret, dbname = null }) {
    if (!access || !secret) throw new TypeError('Credentials need an access token and a secret');
    this.api = api;
    this.access = access;
    this.secret = secret;
    /** The guest's own database, when these are guest credentials. */
    this.dbname = dbname;
  }

  /** @returns {string} the value of the `Authorization` header */
  get authorization() {
    const bytes = new TextEncoder().encode(`${this.access}:${this.secret}`);
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return `Basic ${btoa(binary)}`;
  }

  /**
   * Creates guest credentials (`POST a/` with `{"type": "guest"}`). The creator needs `CreateGuest`.
   * The guest gets its own database, named in the answer's `dbname`.
   *
   * @param {string} api the API base, e.g. `/plasmid/v1/`
   * @param {Credentials} creator credentials allowed to create guests
   * @returns {Promise<Credentials>} the new guest's credentials, with `dbname` set
   * @throws {PlasmidError} when offline or refused (`reason` says why)
   */
  static async createGuest(api, creator) {
    const answer = await request(api, creator, 'POST', 'a/', { type: 'guest' });
    if (!answer.success) {
      throw new PlasmidError(answer.error || 'guest not created', { reason: answer.reason || 'error' });
    }
    const { access, secret, dbname } = answer.success;
    return new Credentials({ api, access, secret, dbname });
  }
}

/**
 * A local database whose synced stores are kept in step with a Plasmid Sync database.
 *
 * Events (subscribe with {@link Database#on}):
 * - `opensuccess` `()`: the local database is open; `openerror` `(error)`: it could not be.
 * - `change` `({store, key, value, origin})`: a value changed; `value` is `undefined` when deleted;
 *   `origin` is `local` (this page wrote it) or `remote` (pulled, or a conflict resolved to theirs).
 * - `status` `(status)`: the sync status changed; see {@link Database#status}.
 * - `error` `(error)`: a background sync (live mode) failed; it will be retried.
 */
export class Database {
  /**
   * @param {object} options
   * @param {string} options.name the local (IndexedDB) database name
   * @param {string} [options.remotename] the server's database name (default: `name`)
   * @param {string} options.api the API base ending in `/v1/`; relative URLs are resolved against the page
   * @param {{version: number, stores: Object<string, {sync: boolean}>}} options.schema the stores;
   *     raise `version` when you change them
   * @param {Credentials} options.credentials who syncs
   * @param {function(Conflict): (Resolution|Promise<Resolution>)} [options.onconflict] decides conflicts
   *     (default: keep mine)
   * @param {number} [options.pullLimit=500] most changes per pull request (more are fetched in pages)
   * @param {number} [options.wait=25] long-poll seconds in live mode (1–60)
   */
  constructor(options) {
    const { name, remotename = name, api, schema, credentials } = options;
    if (!name || !api || !schema || !schema.stores || !credentials) {
      throw new TypeError('Database needs name, api, schema.stores and credentials');
    }
    for (const store of Object.keys(schema.stores)) {
      if (store.startsWith('__plasmid')) throw new TypeError(`store name ${store} is reserved`);
    }
    this.name = name;
    this.remotename = remotename;
    this.api = api;
    this.schema = schema;
    this.credentials = credentials;
    /** @type {function(Conflict): (Resolution|Promise<Resolution>)} */
    this.onconflict = options.onconflict || (() => 'mine');
    this.pullLimit = options.pullLimit || 500;
    this.wait = Math.min(60, Math.max(1, options.wait || 25));

    this._listeners = new Map();
    this._queue = Promise.resolve();
    this._status = { online: null, syncing: false, live: false, revision: FIRST_REVISION, pending: 0,
      lastSync: null, error: null };
    this._live = null;
    /** Resolves when the local database is open. @type {Promise<Database>} */
    this.ready = openIndexedDb(name, schema).then(async (idb) => {
      this._idb = idb;
      this._status.revision = (await this._meta('revision')) ?? FIRST_REVISION;
      await this._countPending();
      this._emit('opensuccess');
      return this;
    }, (error) => {
      this._emit('openerror', error);
      throw error;
    });
    this.ready.catch(() => {});
  }

  // ---- events

  /**
   * Subscribes to an event. `opensuccess` fires at once (asynchronously) if the database is already open.
   *
   * @param {string} event `opensuccess`, `openerror`, `change`, `status` or `error`
   * @param {Function} listener
   * @returns {function(): void} a function that unsubscribes
   */
  on(event, listener) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    if (event === 'opensuccess' && this._idb) queueMicrotask(() => listener());
    return () => this._listeners.get(event).delete(listener);
  }

  _emit(event, ...args) {
    for (const listener of this._listeners.get(event) || []) {
      try {
        listener(...args);
      } catch (e) {
        console.error(`plasmid: ${event} listener failed`, e);
      }
    }
  }

  /**
   * The sync status, a snapshot: `online` (true/false after the first request, else null), `syncing`,
   * `live`, `revision` (the last server revision pulled or pushed), `pending` (local edits not yet
   * pushed), `lastSync` (Date of the last successful sync), `error` (the last failure's message or null).
   *
   * @returns {{online: ?boolean, syncing: boolean, live: boolean, revision: number, pending: number,
   *     lastSync: ?Date, error: ?string}}
   */
  get status() {
    return { ...this._status };
  }

  _setStatus(changes) {
    let changed = false;
    for (const [k, v] of Object.entries(changes)) {
      if (this._status[k] !== v) {
        this._status[k] = v;
        changed = true;
      }
    }
    if (changed) this._emit('status', this.status);
  }

  // ---- local data

  /**
   * @param {string} store
   * @param {string} key
   * @returns {Promise<*>} the value, or undefined
   */
  async get(store, key) {
    this._checkStore(store);
    await this.ready;
    return this._tx([store], 'readonly', (s) => req(s[store].get(key)));
  }

  /**
   * @param {string} store
   * @returns {Promise<Array<{key: string, value: *}>>} every entry, in key order
   */
  async getAll(store) {
    this._checkStore(store);
    await this.ready;
    return this._tx([store], 'readonly', async (s) => {
      const [keys, values] = await Promise.all([req(s[store].getAllKeys()), req(s[store].getAll())]);
      return keys.map((key, i) => ({ key, value: values[i] }));
    });
  }

  /**
   * Writes a value locally; in a synced store it is queued for the next push.
   *
   * @param {string} store
   * @param {string} key a non-empty string
   * @param {*} value any JSON value except null (use {@link Database#delete})
   * @returns {Promise<void>}
   */
  async put(store, key, value) {
    if (value === null || value === undefined) throw new TypeError('put needs a value; use delete()');
    await this._write(store, key, JSON.parse(JSON.stringify(value)));
  }

  /**
   * Deletes a key locally; in a synced store the deletion is queued for the next push.
   *
   * @param {string} store
   * @param {string} key
   * @returns {Promise<void>}
   */
  async delete(store, key) {
    await this._write(store, key, null);
  }

  async _write(store, key, value) {
    this._checkStore(store);
    if (typeof key !== 'string' || key === '') throw new TypeError('a key is a non-empty string');
    await this.ready;
    const synced = this._isSynced(store);
    const stores = synced ? [store, PENDING, META] : [store];
    await this._tx(stores, 'readwrite', async (s) => {
      if (synced) {
        const pending = await req(s[PENDING].get([store, key]));
        const base = pending ? pending.base : ((await req(s[store].get(key))) ?? null);
        const seq = ((await req(s[META].get('seq'))) || 0) + 1;
        s[META].put(seq, 'seq');
        s[PENDING].put({ store, key, value, base, seq }, [store, key]);
      }
      if (value === null) s[store].delete(key);
      else s[store].put(value, key);
    });
    this._emit('change', { store, key, value: value ?? undefined, origin: 'local' });
    if (synced) {
      await this._countPending();
      if (this._live) this._live.kick();
    }
  }

  // ---- sync

  /**
   * Fetches the changes made since the last pull and applies them, asking `onconflict` where one
   * hits a key with an unpushed local edit.
   *
   * @returns {Promise<{revision: number, applied: number, conflicts: number}>}
   * @throws {PlasmidError} when offline or refused
   */
  pull() {
    return this._locked(() => this._pull());
  }

  /**
   * Pushes the pending local edits. Returns `{outofdate: true}` (nothing written) when the server has
   * changes not pulled yet: pull, then push again (or use {@link Database#sync}).
   *
   * @returns {Promise<{saved: number, revision: number, outofdate?: boolean}>}
   * @throws {PlasmidError} when offline or refused (e.g. `reason` `quota`)
   */
  push() {
    return this._locked(async () => {
      const { missed, ...result } = await this._push();
      return result;
    });
  }

  /**
   * Pulls, then pushes; on `outofdate` (another device pushed in between) applies the changes it
   * missed — those the refusal carries, else pulled — and pushes again.
   *
   * @returns {Promise<{revision: number, saved: number}>}
   * @throws {PlasmidError} when offline or refused
   */
  sync() {
    return this._locked(() => this._sync());
  }

  /**
   * Keeps the database in step while on: long-polls the server (`wait`) so other devices' changes
   * arrive within moments, pushes local edits right after they are made, and when offline retries
   * with backoff (and at once when the browser says it is back online).
   *
   * @param {boolean} [on=true]
   */
  live(on = true) {
    if (on && !this._live) {
      this._live = new LiveLoop(this);
      this._live.start();
    } else if (!on && this._live) {
      this._live.stop();
      this._live = null;
    }
    this._setStatus({ live: Boolean(this._live) });
  }

  /** Stops live mode and closes the local database. */
  close() {
    this.live(false);
    if (this._idb) this._idb.close();
  }

  async _sync(prefetched) {
    let saved = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      await this._pull(prefetched);
      const pushed = await this._push();
      saved += pushed.saved;
      if (!pushed.outofdate) return { revision: this._status.revision, saved };
      // The refusal's missed changes, if it carried them, are the next pull's page: no request for it.
      prefetched = pushed.missed;
    }
    throw new PlasmidError('gave up after 10 out-of-date pushes', { reason: 'outofdate' });
  }

  async _pull(prefetched) {
    await this.ready;
    await this._flushInflight();
    let applied = 0;
    let conflicts = 0;
    for (;;) {
      const since = this._status.revision;
      const page = prefetched && prefetched.since === since ? prefetched
        : await this._request('GET', `d/${enc(this.remotename)}/update/${since}?limit=${this.pullLimit}`);
      prefetched = undefined;
      const result = await this._applyPage(since, page);
      applied += result.applied;
      conflicts += result.conflicts;
      if (!page.more) break;
    }
    this._setStatus({ lastSync: new Date(), error: null });
    return { revision: this._status.revision, applied, conflicts };
  }

  async _applyPage(since, page) {
    const updates = page.updates.filter(([store]) => this._isSynced(store));
    const stores = [...new Set(updates.map(([store]) => store))];
    const changes = [];
    const found = [];
    await this._tx([...stores, PENDING, META], 'readwrite', async (s) => {
      for (const [store, , key, value] of updates) {
        const pending = await req(s[PENDING].get([store, key]));
        if (!pending) {
          if (value === null) s[store].delete(key);
          else s[store].put(value, key);
          changes.push({ store, key, value: value ?? undefined, origin: 'remote' });
        } else if (sameJson(pending.value, value)) {
          s[PENDING].delete([store, key]);  // the server already has what we meant to push
        } else {
          found.push({ store, key, mine: pending.value, theirs: value, base: pending.base, seq: pending.seq });
        }
      }
      if (found.length === 0) s[META].put(page.until, 'revision');
    });
    changes.forEach((c) => this._emit('change', c));
    if (found.length > 0) await this._resolve(found, page.until);
    this._setStatus({ revision: page.until });
    await this._countPending();
    return { applied: updates.length, conflicts: found.length };
  }

  async _resolve(found, until) {
    const decisions = [];
    for (const c of found) {
      const conflict = { store: c.store, key: c.key, mine: c.mine, theirs: c.theirs, base: c.base };
      decisions.push(normalise(await this.onconflict(conflict)));
    }
    const changes = [];
    const stores = [...new Set(found.map((c) => c.store))];
    await this._tx([...stores, PENDING, META], 'readwrite', async (s) => {
      let seq = (await req(s[META].get('seq'))) || 0;
      for (const [i, c] of found.entries()) {
        const d = decisions[i];
        const now = await req(s[PENDING].get([c.store, c.key]));
        if (now && now.seq !== c.seq) {
          // Edited again while the app was deciding: that newest edit wins, on top of theirs.
          s[PENDING].put({ ...now, base: c.theirs }, [c.store, c.key]);
        } else if (d.take === 'theirs') {
          s[PENDING].delete([c.store, c.key]);
          setValue(s[c.store], c.key, c.theirs);
          changes.push({ store: c.store, key: c.key, value: c.theirs ?? undefined, origin: 'remote' });
        } else {
          const value = d.take === 'mine' ? c.mine : d.merged;
          s[PENDING].put({ store: c.store, key: c.key, value, base: c.theirs, seq: ++seq }, [c.store, c.key]);
          setValue(s[c.store], c.key, value);
          changes.push({ store: c.store, key: c.key, value: value ?? undefined, origin: 'local' });
        }
      }
      s[META].put(seq, 'seq');
      s[META].put(until, 'revision');
    });
    changes.forEach((c) => this._emit('change', c));
  }

  async _push() {
    await this.ready;
    let inflight = await this._meta('inflight');
    if (!inflight) {
      const pending = await this._tx([PENDING], 'readonly', (s) => req(s[PENDING].getAll()));
      if (pending.length === 0) return { saved: 0, revision: this._status.revision };
      const data = {};
      for (const p of pending) (data[p.store] ||= {})[p.key] = p.value;
      inflight = {
        body: { last_revision: this._status.revision, data, push_id: randomId() },
        sent: pending.map(({ store, key, seq }) => ({ store, key, seq })),
      };
      await this._tx([META], 'readwrite', (s) => req(s[META].put(inflight, 'inflight')));
    }
    return this._sendInflight(inflight);
  }

  /** Resends a push whose answer never came, before anything else talks to the server. */
  async _flushInflight() {
    const inflight = await this._meta('inflight');
    if (inflight) await this._sendInflight(inflight);
  }

  async _sendInflight(inflight) {
    const answer = await this._request('POST', `d/${enc(this.remotename)}/update/`, inflight.body);
    if (answer.reason || answer.error) {
      await this._tx([META], 'readwrite', (s) => req(s[META].delete('inflight')));
      if (answer.reason === 'outofdate') {
        // (ext) The changes this push missed, when the server sends them: exactly a pull's page from
        // the push's last_revision. A server that sends none leaves `missed` undefined: pull.
        const missed = Array.isArray(answer.updates) && Number.isInteger(answer.until)
          ? { since: inflight.body.last_revision, until: answer.until, updates: answer.updates } : undefined;
        return { saved: 0, revision: answer.revision, outofdate: true, missed };
      }
      throw new PlasmidError(answer.error || 'push refused', { reason: answer.reason || 'error' });
    }
    await this._tx([PENDING, META], 'readwrite', async (s) => {
      for (const { store, key, seq } of inflight.sent) {
        const p = await req(s[PENDING].get([store, key]));
        if (p && p.seq === seq) s[PENDING].delete([store, key]);
        else if (p) s[PENDING].put({ ...p, base: inflight.body.data[store][key] }, [store, key]);
      }
      s[META].put(answer.revision, 'revision');
      s[META].delete('inflight');
    });
    this._setStatus({ revision: answer.revision, lastSync: new Date(), error: null });
    await this._countPending();
    return { saved: answer.saved, revision: answer.revision };
  }

  // ---- plumbing

  _locked(task) {
    const run = this._queue.then(async () => {
      this._setStatus({ syncing: true });
      try {
        return await task();
      } catch (e) {
        this._setStatus({ error: e.message });
        throw e;
      } finally {
        this._setStatus({ syncing: false });
      }
    });
    this._queue = run.catch(() => {});
    return run;
  }

  async _request(method, path, body, signal) {
    try {
      const answer = await request(this.api, this.credentials, method, path, body, signal);
      this._setStatus({ online: true });
      return answer;
    } catch (e) {
      if (e.reason === 'offline') this._setStatus({ online: false });
      else if (e.name !== 'AbortError') this._setStatus({ online: true });
      throw e;
    }
  }

  _checkStore(store) {
    if (!Object.hasOwn(this.schema.stores, store)) throw new TypeError(`no store ${store} in the schema`);
  }

  _isSynced(store) {
    return Object.hasOwn(this.schema.stores, store) && Boolean(this.schema.stores[store].sync);
  }

  _meta(key) {
    return this._tx([META], 'readonly', (s) => req(s[META].get(key)));
  }

  async _countPending() {
    const pending = await this._tx([PENDING], 'readonly', (s) => req(s[PENDING].count()));
    this._setStatus({ pending });
  }

  /** Runs `work(stores)` in one IndexedDB transaction and resolves with its result once committed. */
  _tx(names, mode, work) {
    return new Promise((resolve, reject) => {
      const tx = this._idb.transaction(names, mode);
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
      Promise.resolve(work(stores)).then((r) => { result = r; }, (e) => {
        reject(e);
        try { tx.abort(); } catch { /* already finished */ }
      });
    });
  }
}

/**
 * @typedef {object} Conflict a pulled change hit a key with an unpushed local edit
 * @property {string} store
 * @property {string} key
 * @property {*} mine the local, unpushed value (null: deleted here)
 * @property {*} theirs the server's value (null: deleted there)
 * @property {*} base the server's value the local edit started from (null: none), for three-way merges
 */

/**
 * @typedef {'mine'|'theirs'|{merged: *}} Resolution `mine` keeps the local edit (pushed next, over
 *     theirs); `theirs` drops it and takes the server's value; `{merged: v}` stores `v` as a new local
 *     edit (`v` null deletes).
 */

/** The live mode: a long-poll loop plus prompt pushes, with backoff while offline. */
class LiveLoop {
  constructor(db) {
    this.db = db;
    this.running = false;
    this.abort = null;
    this.wake = null;
    this.kicked = false;
    this.onOnline = () => this.kick();
    this.onOffline = () => this.abort && this.abort.abort();
  }

  start() {
    this.running = true;
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    this.run();
  }

  stop() {
    this.running = false;
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    if (this.abort) this.abort.abort();
    this.kick();
  }

  /** Ends the current long-poll or backoff now, so the loop syncs (a local edit, or back online). */
  kick() {
    this.kicked = true;
    if (this.abort) this.abort.abort();
    if (this.wake) this.wake();
  }

  async run() {
    const db = this.db;
    await db.ready;
    let backoff = 0;
    let prefetched;
    while (this.running) {
      try {
        this.kicked = false;
        await db._locked(() => db._sync(prefetched));
        prefetched = undefined;
        backoff = 0;
        if (this.kicked || !this.running) continue;
        const since = db._status.revision;
        this.abort = new AbortController();
        const path = `d/${enc(db.remotename)}/update/${since}?wait=${db.wait}&limit=${db.pullLimit}`;
        const page = await db._request('GET', path, undefined, this.abort.signal);
        if (page.updates.length > 0) prefetched = page;
      } catch (e) {
        if (e.name === 'AbortError') continue;
        db._emit('error', e);
        backoff = Math.min(8000, backoff ? backoff * 2 : 1000);
        await this.sleep(e.retryAfter ? e.retryAfter * 1000 : backoff);
      } finally {
        this.abort = null;
      }
    }
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

// ---- helpers

async function request(api, credentials, method, path, body, signal) {
  const url = new URL(path, new URL(api, location.href));
  let response;
  let text;
  try {
    response = await fetch(url, {
      method,
      headers: { Authorization: credentials.authorization },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal,
    });
    text = await response.text();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new PlasmidError(`offline: ${e.message}`, { reason: 'offline' });
  }
  let json = null;
  try {
    json = JSON.parse(text);
  } catch { /* not JSON: reported below */ }
  if (response.status === 200 && json) return json;
  const reason = (json && json.reason) || (response.status === 401 ? 'unauthorized' : `http_${response.status}`);
  throw new PlasmidError((json && json.error) || `HTTP ${response.status}`, {
    reason, status: response.status, retryAfter: Number(response.headers.get('Retry-After')) || 0,
  });
}

function openIndexedDb(name, schema) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, schema.version || 1);
    open.onupgradeneeded = (event) => {
      const idb = open.result;
      const tx = open.transaction;
      if (!idb.objectStoreNames.contains(META)) idb.createObjectStore(META);
      if (!idb.objectStoreNames.contains(PENDING)) idb.createObjectStore(PENDING);
      let newSyncedStore = false;
      for (const [store, options] of Object.entries(schema.stores)) {
        if (!idb.objectStoreNames.contains(store)) {
          idb.createObjectStore(store);
          newSyncedStore ||= Boolean(options.sync);
        }
      }
      for (const store of [...idb.objectStoreNames]) {
        if (store !== META && store !== PENDING && !Object.hasOwn(schema.stores, store)) {
          idb.deleteObjectStore(store);
        }
      }
      // A synced store added to an existing database missed the changes already pulled: pull them all again.
      if (newSyncedStore && event.oldVersion > 0) tx.objectStore(META).put(FIRST_REVISION, 'revision');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error(`IndexedDB ${name} is open in another tab with an older schema`));
  });
}

function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function setValue(objectStore, key, value) {
  if (value === null) objectStore.delete(key);
  else objectStore.put(value, key);
}

function normalise(resolution) {
  if (resolution === 'mine' || resolution === 'theirs') return { take: resolution };
  if (resolution && typeof resolution === 'object' && 'merged' in resolution) {
    return { take: 'merged', merged: resolution.merged ?? null };
  }
  throw new TypeError("onconflict must return 'mine', 'theirs' or {merged: value}");
}

function enc(name) {
  return encodeURIComponent(name);
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** JSON equality that ignores object key order. */
export function sameJson(a, b) {
  return canonical(a) === canonical(b);
}

function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
