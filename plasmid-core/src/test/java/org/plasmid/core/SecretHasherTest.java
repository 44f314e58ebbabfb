package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.core.spi.Credential;

/**
 * Secrets: chosen ones through PBKDF2, generated ones through one SHA-256, bursts of the same first
 * check through one hash, and nothing that lets an unknown token be told from a wrong secret by cost.
 */
class SecretHasherTest {
    private final MapDbStorage storage = MapDbStorage.inMemory();
    // the default 100,000 iterations: the cost difference is what the burst test is about
    private final PlasmidHub hub = PlasmidHub.builder().storage(storage, true).build();
    private final Accounts accounts = hub.accounts();

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void aGeneratedSecret_verifiesThroughTheFastHash_aChosenOneThroughPbkdf2() {
        accounts.setSecret("admin", "chosen-by-a-person");
        accounts.grant("admin", "*", "*", "Yes");
        long before = accounts.slowHashes();
        assertTrue(accounts.authenticate("admin", "chosen-by-a-person"));
        assertEquals(before + 1, accounts.slowHashes(), "a chosen secret: one PBKDF2");
        AccountResult made = hub.session("admin").createCredentials(null, null, false);
        AccountResult guest = hub.session("admin").createCredentials(null, null, true);
        assertEquals(0, storage.credential(made.access()).orElseThrow().iterations(), "stored as generated");
        assertEquals(0, storage.credential(guest.access()).orElseThrow().iterations());
        before = accounts.slowHashes();
        assertTrue(accounts.authenticate(made.access(), made.secret()));
        assertTrue(accounts.authenticate(guest.access(), guest.secret()));
        assertEquals(before, accounts.slowHashes(), "generated secrets: no PBKDF2");
        assertTrue(hub.session("admin").createCredentials("named", "chosen", false).succeeded());
        assertEquals(SecretHasher.DEFAULT_ITERATIONS, storage.credential("named").orElseThrow().iterations());
    }

    @Test
    void theQuickCheck_confirmsGeneratedSecrets_andChosenOnesOnlyOnceASlowCheckConfirmedThem() {
        accounts.setSecret("admin", "chosen-by-a-person");
        accounts.grant("admin", "CreateAccess", "*", "Yes");
        AccountResult made = hub.session("admin").createCredentials(null, null, false);
        assertTrue(accounts.authenticateQuickly(made.access(), made.secret()));
        assertFalse(accounts.authenticateQuickly(made.access(), made.secret() + "x"));
        assertFalse(accounts.authenticateQuickly("admin", "chosen-by-a-person"), "not yet confirmed");
        long before = accounts.slowHashes();
        assertTrue(accounts.authenticate("admin", "chosen-by-a-person"));
        assertEquals(before + 1, accounts.slowHashes());
        assertTrue(accounts.authenticateQuickly("admin", "chosen-by-a-person"), "confirmed: one more SHA-256");
        assertFalse(accounts.authenticateQuickly("admin", "chosen-by-a-persoN"));
        assertFalse(accounts.authenticateQuickly("nobody", "chosen-by-a-person"));
        assertFalse(accounts.authenticateQuickly(null, null));
        assertEquals(before + 1, accounts.slowHashes(), "the quick check never hashes slowly");
        accounts.setSecret("admin", "changed");
        assertFalse(accounts.authenticateQuickly("admin", "chosen-by-a-person"), "the old secret is forgotten");
        assertFalse(accounts.authenticateQuickly("admin", "changed"), "the new one is not yet confirmed");
    }

    @Test
    void aWrongSecretOfAGeneratedToken_costsAsMuchAsAnUnknownToken() {
        accounts.setSecret("admin", "pw");
        accounts.grant("admin", "CreateAccess", "*", "Yes");
        AccountResult made = hub.session("admin").createCredentials(null, null, false);
        long before = accounts.slowHashes();
        assertFalse(accounts.authenticate(made.access(), "wrong"));
        assertFalse(accounts.authenticate("nobody-at-all", "wrong"));
        assertFalse(accounts.authenticate("admin", "wrong"));
        assertEquals(before + 3, accounts.slowHashes(), "each failure pays one slow hash, whatever the token");
    }

    @Test
    void credentialsStoredBeforeTheFastHash_keepWorking() {
        SecretHasher old = new SecretHasher(100_000);
        Credential stored = old.hash("veteran", "old-secret", false); // as every earlier version stored it
        storage.createAccount(stored, List.of());
        assertTrue(accounts.authenticate("veteran", "old-secret"));
        assertFalse(accounts.authenticate("veteran", "other"));
    }

    @Test
    void twoThousandConcurrentFirstChecks_ofOneTokenAndSecret_shareOneSlowHash() throws Exception {
        accounts.setSecret("device", "chosen-secret");
        long before = accounts.slowHashes();
        int n = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<ClientSession>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return hub.authenticate("device", "chosen-secret");
                }));
            }
            start.countDown();
            for (Future<Optional<ClientSession>> f : results) {
                assertTrue(f.get(60, TimeUnit.SECONDS).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, accounts.slowHashes(), "one PBKDF2 for the whole burst");
    }

    @Test
    void concurrentChecksOfDifferentSecrets_areNotShared() throws Exception {
        accounts.setSecret("device", "right");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String secret = i % 2 == 0 ? "right" : "wrong" + i;
                results.add(pool.submit(() -> accounts.authenticate("device", secret)));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(i % 2 == 0, results.get(i).get(60, TimeUnit.SECONDS), "check " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] jdkPbkdf2(String secret, byte[] salt, int iterations) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }

    @Test
    void pbkdf2_derivesTheBytesOfTheJdksPbkdf2WithHmacSha256_soStoredCredentialsKeepVerifying() throws Exception {
        Random random = new Random(20261203L); // fixed: the same salts every run
        List<String> secrets = List.of("a", "chosen-by-a-person", "p\u00e4ssw\u00f6rd \u20ac \ud834\udd1e",
                "x".repeat(63), "y".repeat(64), "z".repeat(65), "\u00e9".repeat(40), "w".repeat(1024),
                "lone \ud800 surrogate");
        for (String secret : secrets) {
            for (int iterations : new int[] {1, 2, 3, 1_000}) {
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                assertArrayEquals(jdkPbkdf2(secret, salt, iterations), SecretHasher.pbkdf2(secret, salt, iterations),
                        () -> secret.length() + "-character secret, " + iterations + " iterations");
            }
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        assertArrayEquals(jdkPbkdf2("chosen-by-a-person", salt, 100_000),
                SecretHasher.pbkdf2("chosen-by-a-person", salt, 100_000));
    }

    @Test
    void pbkdf2_allocatesNothingPerIteration() {
        byte[] salt = new byte[16];
        SecretHasher.pbkdf2("warm up", salt, 10);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        SecretHasher.pbkdf2("chosen-by-a-person", salt, 100_000);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // the JDK's PBKDF2WithHmacSHA256 allocates a 32-byte digest per iteration: megabytes per check
        assertTrue(allocated < 16 * 1024, "one check of 100,000 iterations allocated " + allocated + " bytes");
    }
}
