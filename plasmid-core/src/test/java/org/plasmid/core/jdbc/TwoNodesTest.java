package org.plasmid.core.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.Change;
import org.plasmid.core.ClientSession;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PushResult;

/**
 * Two engines ("nodes") on one PostgreSQL schema, as two plasmidctl processes behind a load balancer
 * would be: the rules hold across them, and each hears of the other's pushes and account changes. The
 * deadlines are generous (tests never assert speed; the benchmark reports the latency).
 */
class TwoNodesTest {
    private static final Duration LONG = Duration.ofHours(1);

    private TestPostgres pg;
    private final List<PlasmidHub> hubs = new ArrayList<>();
    private final List<JdbcStorage> storages = new ArrayList<>();

    @BeforeEach
    void schema() throws Exception {
        pg = TestPostgres.freshSchema();
    }

    @AfterEach
    void close() throws Exception {
        hubs.forEach(PlasmidHub::close);
        pg.close();
    }

    /** A node; {@code notified}: with LISTEN/NOTIFY; the re-check runs every {@code recheck}. */
    private PlasmidHub node(boolean notified, Duration recheck) {
        JdbcStorage.Builder b = JdbcStorage.builder(pg.dataSource()).recheckInterval(recheck);
        if (notified) {
            b.notifications(PgNotifications.from(pg.simpleDataSource()));
        }
        JdbcStorage storage = b.open();
        storages.add(storage);
        PlasmidHub hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hubs.add(hub);
        return hub;
    }

    private static List<Change> value(String key, String json) {
        return List.of(Change.put("s", key, JsonValue.parse(json)));
    }

    @Test
    void racingPushesFromOneRevision_throughBothNodes_haveExactlyOneWinner_everyRound() throws Exception {
        PlasmidHub a = node(false, LONG);
        PlasmidHub b = node(false, LONG);
        a.info("db");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                long from = a.info("db").revision();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<PushResult>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    PlasmidHub node = i % 2 == 0 ? a : b;
                    int n = i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return node.push("db", from, value("k" + n, Integer.toString(n)));
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<PushResult> f : results) {
                    PushResult r = f.get(60, TimeUnit.SECONDS);
                    if (r.status() == PushResult.Status.ACCEPTED) {
                        winners++;
                        assertEquals(from + 1, r.revision());
                    } else {
                        assertEquals(new PushResult(PushResult.Status.OUT_OF_DATE, from + 1, 0), r, "round " + round);
                    }
                }
                assertEquals(1, winners, "round " + round);
                assertEquals(from + 1, b.info("db").revision());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pullAndRetryClientsOnBothNodes_writeGapFreeWholeRevisions_andAReaderOnBNeverSeesAGap() throws Exception {
        PlasmidHub a = node(false, LONG);
        PlasmidHub b = node(false, LONG);
        a.info("db");
        int clients = 8;
        int pushesEach = 15;
        Map<Long, Integer> accepted = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> readerSaw = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        try {
            Future<?> reader = pool.submit(() -> {
                while (writing.get() && readerSaw.get() == null) {
                    Map<Long, Integer> seen = new HashMap<>();
                    long until = b.pull("db", 0, 0, c -> {
                        seen.merge(c.revision(), 1, Integer::sum);
                        return true;
                    }).until();
                    for (long rev = 2; rev <= until; rev++) {
                        if (!seen.containsKey(rev)) {
                            readerSaw.set("revision " + rev + " missing below head " + until);
                        }
                    }
                }
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                PlasmidHub node = client % 2 == 0 ? a : b;
                int id = client;
                writers.add(pool.submit(() -> {
                    for (int p = 0; p < pushesEach; p++) {
                        int size = 1 + (id + p) % 4;
                        while (true) {
                            long head = node.info("db").revision();
                            List<Change> changes = new ArrayList<>();
                            for (int i = 0; i < size; i++) {
                                changes.add(Change.put("s", "c" + id + "-p" + p + "-" + i, JsonValue.parse("1")));
                            }
                            PushResult r = node.push("db", head, changes);
                            if (r.status() == PushResult.Status.ACCEPTED) {
                                accepted.put(r.revision(), size);
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get(180, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(null, readerSaw.get(), "the reader on B saw a gap");
        long head = a.info("db").revision();
        assertEquals(1 + clients * pushesEach, head, "one revision per accepted push, none skipped");
        Map<Long, Integer> stored = new HashMap<>();
        a.pull("db", 0, 0, c -> {
            stored.merge(c.revision(), 1, Integer::sum);
            return true;
        });
        assertEquals(accepted, stored, "every push whole, at its revision");
    }

    @Test
    void aLongPollOnB_isWokenByAPushOnA_throughTheNotification() throws Exception {
        PlasmidHub a = node(true, LONG);
        PlasmidHub b = node(true, LONG);
        a.info("db");
        CompletableFuture<Long> waiting = b.awaitChange("db", 1);
        JdbcStorage onB = storages.get(1);
        awaitTrue(onB::listening, "B listens"); // the re-check is an hour away: only the notification wakes it
        a.push("db", 1, value("k", "1"));
        assertEquals(2L, waiting.get(30, TimeUnit.SECONDS));
    }

    @Test
    void withoutNotifications_theReCheck_wakesALongPoll() throws Exception {
        PlasmidHub a = node(false, LONG);
        PlasmidHub b = node(false, Duration.ofMillis(200));
        a.info("db");
        CompletableFuture<Long> waiting = b.awaitChange("db", 1);
        a.push("db", 1, value("k", "1"));
        assertEquals(2L, waiting.get(30, TimeUnit.SECONDS));
    }

    @Test
    void accountsCreatedAndGrantsRevokedOnA_takeEffectOnB() throws Exception {
        PlasmidHub a = node(true, LONG);
        PlasmidHub b = node(true, LONG);
        b.accounts().list();
        awaitTrue(storages.get(1)::listening, "B listens");
        a.accounts().setSecret("alice", "secret");
        a.accounts().grant("alice", "ReadDatabase", "db", "Yes");
        a.accounts().grant("alice", "CreateDatabase", "db", "Yes");
        ClientSession onB = b.authenticate("alice", "secret").orElseThrow();
        assertEquals(1, onB.info("db").revision());
        a.accounts().revoke("alice", "ReadDatabase", "db");
        awaitTrue(() -> {
            try {
                onB.info("db");
                return false;
            } catch (PlasmidException e) {
                return e.reason() == PlasmidException.Reason.FORBIDDEN;
            }
        }, "the revocation made on A reaches B");
        a.accounts().setSecret("alice", "rotated");
        assertFalse(b.authenticate("alice", "secret").isPresent(), "the old secret is dead on B at once");
        assertTrue(b.authenticate("alice", "rotated").isPresent());
    }

    @Test
    void withoutNotifications_theReCheck_carriesARevocation() throws Exception {
        PlasmidHub a = node(false, LONG);
        PlasmidHub b = node(false, Duration.ofMillis(200));
        a.accounts().setSecret("bob", "secret");
        a.accounts().grant("bob", "ReadDatabase", "*", "Yes");
        a.info("db");
        assertTrue(b.accounts().check("bob", "ReadDatabase", "db").allowed());
        a.accounts().grant("bob", "ReadDatabase", "db", "No");
        awaitTrue(() -> !b.accounts().check("bob", "ReadDatabase", "db").allowed(), "the denial reaches B");
    }

    @Test
    void aDatabaseThatDoesNotExist_isNotFound_onEitherNode() throws Exception {
        PlasmidHub a = node(false, LONG);
        PlasmidHub b = node(false, LONG);
        assertTrue(a.find("nowhere").isEmpty());
        a.createDatabase("somewhere");
        assertTrue(b.find("somewhere").isPresent());
        assertThrows(PlasmidException.class, () -> b.awaitChange("bad/name", 1));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
