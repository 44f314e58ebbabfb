package org.plasmid.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The todo demo in two real browsers (headless Chromium, two separate profiles: two devices) against the
 * real {@code plasmidctl.jar --demo} over plain HTTP ({@link RunningDemo}; {@link DemoHttpsIT} runs it once
 * over HTTPS). Each test opens a new list on device A and the share link on B.
 * Screenshots of both devices go to {@code target/demo-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoBrowserIT {
    static final Path SCREENSHOTS = Path.of("target", "demo-screenshots");

    @TempDir
    static Path tmp;

    private RunningDemo demo;
    private DemoPage a;
    private DemoPage b;

    @BeforeAll
    void start() throws Exception {
        demo = RunningDemo.overHttp(tmp);
        a = demo.a();
        b = demo.b();
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void anItemAddedOnA_appearsOnB_withinTwoSeconds_withoutAReload() {
        demo.shareNewList();
        b.script("window.notReloaded = true");

        a.add("Buy oat milk");
        b.await("A's new item", Duration.ofSeconds(2), d -> b.titles().contains("Buy oat milk"));

        a.toggle("Buy oat milk");
        b.await("A's check-off", Duration.ofSeconds(2), d -> b.shown().containsValue("Buy oat milk ✓"));
        b.rename("Buy oat milk", "Buy oat milk and bread");
        a.await("B's rename", Duration.ofSeconds(2), d -> a.titles().contains("Buy oat milk and bread"));

        assertEquals(Boolean.TRUE, b.script("return window.notReloaded === true"), "B was never reloaded");
        a.awaitSynced();
        b.awaitSynced();
        assertEquals(demo.serverList(a), a.shown());
        assertEquals(demo.serverList(a), b.shown());
    }

    @Test
    void anOfflineEditThatConflicts_isPromptedOnReconnect_resolvedByMerging_andBothDevicesMatchTheServer()
            throws Exception {
        demo.shareNewList();
        a.add("Plan the trip");
        b.await("A's item", d -> b.titles().contains("Plan the trip"));
        b.awaitSynced();

        b.goOffline();
        b.rename("Plan the trip", "Plan the trip to Lisbon");
        b.await("B to notice it is offline", d -> b.status().online().equals("false"));
        assertEquals(Boolean.FALSE, b.script("return navigator.onLine"), "the browser itself is offline");
        assertEquals(1, b.status().pending(), "B's edit waits to be pushed");

        a.rename("Plan the trip", "Plan the trip (book hotel)");
        a.awaitSynced();
        assertFalse(b.conflictShown(), "no conflict while B cannot see A's edit");

        b.goOnline();
        b.await("the conflict prompt", d -> b.conflictShown());
        assertEquals("Plan the trip to Lisbon", b.text("conflict-mine"));
        assertEquals("Plan the trip (book hotel)", b.text("conflict-theirs"));
        assertEquals("Plan the trip to Lisbon / Plan the trip (book hotel)", b.value("merge-input"));
        a.screenshot(SCREENSHOTS, "device-a-before-reconnect.png");
        b.screenshot(SCREENSHOTS, "device-b-conflict.png");

        b.type("merge-input", "Plan the trip to Lisbon (book hotel)");
        b.click("use-merged");
        b.await("the prompt to close", d -> !b.conflictShown());

        String merged = "Plan the trip to Lisbon (book hotel)";
        a.await("the merged title", d -> a.titles().equals(List.of(merged)));
        b.awaitSynced();
        a.awaitSynced();
        Map<String, String> onServer = demo.serverList(a);
        assertEquals(List.of(merged), List.copyOf(onServer.values()));
        assertEquals(onServer, a.shown());
        assertEquals(onServer, b.shown());
        assertEquals(a.status().revision(), b.status().revision(), "both at the same revision");

        a.add("Pack sunscreen");
        b.await("A's next item", d -> b.titles().contains("Pack sunscreen"));
        b.toggle("Pack sunscreen");
        a.await("B's check-off", d -> a.shown().containsValue("Pack sunscreen ✓"));
        a.click("share-hint"); // a person would now open the share panel: show it in the picture
        a.screenshot(SCREENSHOTS, "device-a.png");
        b.screenshot(SCREENSHOTS, "device-b.png");
    }

    @Test
    void aReloadWhileOffline_keepsLocalData_andItsEditsSyncOnceOnline() throws Exception {
        demo.shareNewList();
        a.add("Water the plants");
        b.await("A's item", d -> b.titles().contains("Water the plants"));
        b.awaitSynced();

        b.goOffline();
        b.add("Call the landlord");
        b.reload();
        b.awaitLoaded();
        b.await("B's data after the reload", d -> b.titles().equals(List.of("Water the plants", "Call the landlord")));
        b.await("B's offline status after the reload", d -> b.status().online().equals("false"));
        assertEquals(1, b.status().pending(), "the offline edit is still queued after the reload");
        assertFalse(a.titles().contains("Call the landlord"));
        b.screenshot(SCREENSHOTS, "device-b-offline-after-reload.png");

        b.goOnline();
        a.await("B's offline item", d -> a.titles().contains("Call the landlord"));
        b.awaitSynced();
        a.awaitSynced();
        assertEquals(demo.serverList(a), a.shown());
        assertEquals(demo.serverList(a), b.shown());
    }

    @Test
    void deletes_syncBothWays_andLeaveTheServersCopy() {
        demo.shareNewList();
        a.add("Old task");
        a.add("Another old task");
        a.add("Keep me");
        b.await("A's items", d -> b.titles().size() == 3);

        a.delete("Old task");
        b.await("A's delete", Duration.ofSeconds(2), d -> !b.titles().contains("Old task"));
        b.delete("Another old task");
        a.await("B's delete", Duration.ofSeconds(2), d -> !a.titles().contains("Another old task"));

        a.awaitSynced();
        b.awaitSynced();
        Map<String, String> onServer = demo.serverList(a);
        assertEquals(List.of("Keep me"), List.copyOf(onServer.values()));
        assertEquals(onServer, a.shown());
        assertEquals(onServer, b.shown());
    }

    @Test
    void aPushWhoseAnswerWasLost_isResentWithItsPushId_andSavedOnce_withoutAConflictWithItself() {
        demo.shareNewList();
        Map<String, String> c = a.credentials();
        // A second client on the same list, in a page without the app, whose first push answer is "lost":
        // the request reaches the server but the client sees a network error. The item is edited again
        // before the retry, so mistaking its own landed push for someone else's would be a conflict.
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) a.asyncScript("""
                const [access, secret, dbname, done] = arguments;
                (async () => {
                  const { Credentials, Database } = await import('/plasmid-client.js');
                  const realFetch = window.fetch;
                  const posts = [];
                  window.fetch = async (url, init) => {
                    const response = await realFetch(url, init);
                    if (init && init.method === 'POST') {
                      posts.push(await response.clone().json());
                      if (posts.length === 1) throw new TypeError('connection reset');
                    }
                    return response;
                  };
                  const credentials = new Credentials({ api: '/plasmid/v1/', access, secret });
                  let conflicts = 0;
                  const db = new Database({ name: 'push-id-test', remotename: dbname, api: '/plasmid/v1/',
                    credentials, onconflict: () => { conflicts++; return 'theirs'; },
                    schema: { version: 1, stores: { todos: { sync: true } } } });
                  await db.ready;
                  const before = (await db.sync()).revision;
                  await db.put('todos', 'k1', { title: 'first', done: false, created: 1 });
                  let firstError = null;
                  try { await db.push(); } catch (e) { firstError = e.reason; }
                  const pendingAfterLoss = db.status.pending;
                  await db.put('todos', 'k1', { title: 'second', done: false, created: 1 });
                  const after = await db.sync();
                  window.fetch = realFetch;
                  const value = (await db.get('todos', 'k1')).title;
                  db.close();
                  return { before, firstError, pendingAfterLoss, after: after.revision, pending: db.status.pending,
                    conflicts, resent: posts[1], value };
                })().then(done, (e) => done({ failed: String(e) }));
                """, c.get("access"), c.get("secret"), c.get("dbname"));
        assertEquals(null, result.get("failed"), "the script ran");
        assertEquals("offline", result.get("firstError"), "the client saw the lost answer as a network error");
        assertEquals(1L, result.get("pendingAfterLoss"), "the edit stays queued until an answer comes");
        @SuppressWarnings("unchecked")
        Map<String, Object> resent = (Map<String, Object>) result.get("resent");
        assertEquals(Boolean.TRUE, resent.get("duplicate"), "the retry carried the same push_id: " + resent);
        assertEquals(0L, result.get("conflicts"), "its own push is not a conflict");
        long before = (Long) result.get("before");
        assertEquals(before + 2, result.get("after"), "the first push saved once, then the second edit");
        assertEquals(0L, result.get("pending"));
        assertEquals("second", result.get("value"));
        assertEquals(before + 2, demo.serverRevision(c));
        a.await("the item on A", d -> a.titles().contains("second"));
    }

    @Test
    void offlineEditsToDifferentFieldsOfOneItem_mergeWithoutAPrompt() {
        demo.shareNewList();
        a.add("Return the library books");
        b.await("A's item", d -> b.titles().contains("Return the library books"));
        b.awaitSynced();

        b.goOffline();
        b.toggle("Return the library books");
        b.await("B to notice it is offline", d -> b.status().online().equals("false"));
        a.rename("Return the library books", "Return the library books by Friday");
        a.awaitSynced();
        b.goOnline();

        String merged = "Return the library books by Friday ✓";
        a.await("the merged item", d -> a.shown().containsValue(merged));
        b.await("the merged item", d -> b.shown().containsValue(merged));
        assertFalse(b.conflictShown(), "different fields merge silently");
        a.awaitSynced();
        b.awaitSynced();
        assertEquals(demo.serverList(a), a.shown());
        assertEquals(demo.serverList(a), b.shown());
    }

    @Test
    void theClientsConflictCallback_getsMineTheirsAndBase_andEachResolutionIsKept() {
        demo.shareNewList();
        Map<String, String> c = a.credentials();
        // Two clients of the list in one page (two IndexedDB databases): "here" has unpushed edits to
        // keys that "there" changed on the server; here's callback answers per key.
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) a.asyncScript("""
                const [access, secret, dbname, done] = arguments;
                (async () => {
                  const { Credentials, Database } = await import('/plasmid-client.js');
                  const credentials = new Credentials({ api: '/plasmid/v1/', access, secret });
                  const seen = {};
                  const open = (name, onconflict) => new Database({ name, remotename: dbname, api: '/plasmid/v1/',
                    credentials, onconflict, schema: { version: 1, stores: { todos: { sync: true } } } });
                  const here = open('conflict-here', (conflict) => {
                    seen[conflict.key] = conflict;
                    return { mine: 'mine', theirs: 'theirs', merged: { merged: { t: 'merged' } }, gone: 'mine' }[conflict.key];
                  });
                  const there = open('conflict-there');
                  for (const k of ['mine', 'theirs', 'merged', 'gone']) await there.put('todos', k, { t: 'base' });
                  await there.sync();
                  await here.sync();
                  for (const k of ['mine', 'theirs', 'merged', 'gone']) await here.put('todos', k, { t: 'here' });
                  for (const k of ['mine', 'theirs', 'merged']) await there.put('todos', k, { t: 'there' });
                  await there.delete('todos', 'gone');
                  await there.sync();
                  const pushed = await here.push();
                  await here.sync();
                  await there.sync();
                  const values = async (db) => Object.fromEntries((await db.getAll('todos')).map((e) => [e.key, e.value.t]));
                  const result = { outofdate: pushed.outofdate === true, here: await values(here), there: await values(there),
                    pending: here.status.pending, seen: JSON.parse(JSON.stringify(seen)) };
                  here.close(); there.close();
                  return result;
                })().then(done, (e) => done({ failed: String(e) }));
                """, c.get("access"), c.get("secret"), c.get("dbname"));
        assertEquals(null, r.get("failed"), "the script ran");
        assertEquals(Boolean.TRUE, r.get("outofdate"), "a push before pulling is refused, nothing written");
        assertEquals(Map.of("mine", "here", "theirs", "there", "merged", "merged", "gone", "here"), r.get("here"));
        assertEquals(r.get("here"), r.get("there"), "both clients end identical");
        assertEquals(0L, r.get("pending"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> seen = (Map<String, Map<String, Object>>) r.get("seen");
        assertEquals(Map.of("t", "here"), seen.get("theirs").get("mine"));
        assertEquals(Map.of("t", "there"), seen.get("theirs").get("theirs"));
        assertEquals(Map.of("t", "base"), seen.get("theirs").get("base"));
        assertEquals(null, seen.get("gone").get("theirs"), "a delete on the server arrives as null");
        assertEquals(4, seen.size(), "one call per conflicting key");
    }

    @Test
    void aPushMadeStaleByAnotherDevice_isResolvedFromTheRefusal_andRetriedWithNoPullInBetween()
            throws InterruptedException {
        a.openNewList(demo.root());
        Map<String, String> c = a.credentials();
        // Leave the app (its live loop would share the page's fetch) for a plain page of the same origin.
        a.driver().get(demo.root().resolve("/plasmid-client.js").toString());
        String tag = "one-trip-" + Long.toHexString(System.nanoTime());
        // Two clients of the list in one page (two IndexedDB databases). Between here's pull and its push,
        // "there" edits the same key and pushes: here's push is stale. Here's requests are recorded as
        // the page answers them, and tagged with request ids, so the server's access log shows them too.
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) a.asyncScript("""
                const [access, secret, dbname, tag, done] = arguments;
                (async () => {
                  const { Credentials, Database } = await import('/plasmid-client.js');
                  const credentials = new Credentials({ api: '/plasmid/v1/', access, secret });
                  const seen = [];
                  const open = (name, onconflict) => new Database({ name, remotename: dbname, api: '/plasmid/v1/',
                    credentials, onconflict, schema: { version: 1, stores: { todos: { sync: true } } } });
                  const here = open(tag + '-here', (conflict) => {
                    seen.push(conflict);
                    return { merged: { t: conflict.mine.t + ' + ' + conflict.theirs.t } };
                  });
                  const there = open(tag + '-there');
                  await there.put('todos', 'shared', { t: 'base' });
                  await there.sync();
                  await here.sync();
                  await here.put('todos', 'shared', { t: 'here' });
                  const realFetch = window.fetch;
                  const requests = [];
                  let thereFirst = true;
                  let fromThere = false;
                  window.fetch = async (url, init) => {
                    if (fromThere) return realFetch(url, init);
                    if (init.method === 'POST' && thereFirst) {
                      thereFirst = false;
                      fromThere = true;
                      await there.put('todos', 'shared', { t: 'there' });
                      await there.put('todos', 'other', { t: 'also there' });
                      await there.sync();
                      fromThere = false;
                    }
                    const id = tag + '-' + (requests.length + 1);
                    const response = await realFetch(url, { ...init, headers: { ...init.headers, 'X-Request-Id': id } });
                    const answer = await response.clone().json();
                    requests.push({ id, method: init.method, path: new URL(url).pathname, reason: answer.reason || null,
                      updates: Array.isArray(answer.updates) ? answer.updates.length : null, saved: answer.saved ?? null });
                    return response;
                  };
                  const synced = await here.sync();
                  window.fetch = realFetch;
                  await there.sync();
                  const values = async (db) => Object.fromEntries((await db.getAll('todos')).map((e) => [e.key, e.value.t]));
                  const result = { requests, revision: synced.revision, here: await values(here), there: await values(there),
                    pending: here.status.pending, seen: JSON.parse(JSON.stringify(seen)) };
                  here.close(); there.close();
                  return result;
                })().then(done, (e) => done({ failed: String(e) }));
                """, c.get("access"), c.get("secret"), c.get("dbname"), tag);
        assertEquals(null, r.get("failed"), "the script ran");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> requests = (List<Map<String, Object>>) r.get("requests");
        String update = "/plasmid/v1/d/" + c.get("dbname") + "/update/";
        assertEquals(3, requests.size(), "a pull, the stale push, the retry: " + requests);
        assertEquals("GET", requests.get(0).get("method"));
        assertTrue(((String) requests.get(0).get("path")).startsWith(update), requests.toString());
        assertEquals(List.of("POST", update, "outofdate", 2L),
                List.of(requests.get(1).get("method"), requests.get(1).get("path"), requests.get(1).get("reason"),
                        requests.get(1).get("updates")), "refused, carrying the two changes it missed");
        assertEquals(List.of("POST", update, 1L), List.of(requests.get(2).get("method"), requests.get(2).get("path"),
                requests.get(2).get("saved")), "the retry, accepted, with no pull before it");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> seen = (List<Map<String, Object>>) r.get("seen");
        assertEquals(1, seen.size(), "one conflict: " + seen);
        assertEquals(Map.of("t", "here"), seen.get(0).get("mine"));
        assertEquals(Map.of("t", "there"), seen.get(0).get("theirs"));
        assertEquals(Map.of("t", "base"), seen.get(0).get("base"));
        Map<String, String> expected = Map.of("shared", "here + there", "other", "also there");
        assertEquals(expected, r.get("here"));
        assertEquals(expected, r.get("there"), "both clients end identical");
        assertEquals(0L, r.get("pending"));
        assertEquals(r.get("revision"), demo.serverRevision(c));

        // The server saw the same: of here's requests, the refused push and the accepted one are adjacent.
        List<String> logged = awaitLogged(tag, 3);
        assertTrue(logged.get(0).contains("\"GET " + update), logged.toString());
        assertTrue(logged.get(1).contains("\"POST " + update + " "), logged.toString());
        assertTrue(logged.get(2).contains("\"POST " + update + " "), logged.toString());
    }

    /** @return the server's access-log lines whose request id starts with {@code tag}, once there are {@code count} */
    private List<String> awaitLogged(String tag, int count) throws InterruptedException {
        long deadline = System.nanoTime() + DemoPage.PATIENCE.toNanos();
        List<String> lines;
        do {
            lines = demo.serverLog().lines().filter(l -> l.contains(" " + tag + "-")).toList();
            if (lines.size() >= count || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(50);
        } while (true);
        assertEquals(count, lines.size(), "the server's log of the tagged requests: " + lines);
        return lines;
    }
}
