package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.spi.Credential;

/**
 * The index remembers credentials it read or wrote, because every request checks its token's: lookups
 * after the first decode nothing, a write is seen by the next read, a race of readers and writers never
 * leaves an old credential behind, and the memory stays bounded.
 */
class CredentialCacheTest {
    @TempDir
    Path dir;

    private static Credential credential(String access, int version) {
        byte[] salt = new byte[16];
        byte[] hash = new byte[32];
        salt[0] = (byte) version;
        hash[0] = (byte) version;
        hash[1] = (byte) (version >>> 8);
        return new Credential(access, salt, hash, 1, false);
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void reopeningAnIndex_readsItsCredentialsInOnePass_soNoLookupDecodesATreeNode() {
        Path file = dir.resolve("index.mapdb");
        Index written = Index.file(file);
        for (int i = 0; i < 5_000; i++) {
            written.putCredential(credential(String.format("guest-%05d", i), 1));
        }
        written.close();
        Index index = Index.file(file); // a restart: every device checks its token again, at once
        try {
            assertEquals(5_000, index.credentialsRemembered());
            assertEquals(credential("guest-02500", 1), index.credential("guest-02500"));
            int lookups = 20_000;
            long before = allocatedByThisThread();
            for (int i = 0; i < lookups; i++) {
                index.credential(TOKENS[i % TOKENS.length]);
            }
            long perLookup = (allocatedByThisThread() - before) / lookups;
            // a MapDB get decodes the whole leaf holding the token: dozens of strings, kilobytes
            assertTrue(perLookup < 64, "a remembered credential allocated " + perLookup + " bytes per lookup");
            assertEquals(5_000, index.credentialsRemembered());
        } finally {
            index.close();
        }
    }

    private static final String[] TOKENS = new String[5_000];

    static {
        for (int i = 0; i < TOKENS.length; i++) {
            TOKENS[i] = String.format("guest-%05d", i);
        }
    }

    @Test
    void reopeningAnIndexWithMoreCredentialsThanItReadsAtOpen_answersTheOthersFromTheTree() {
        Path file = dir.resolve("many.mapdb");
        Index written = Index.file(file);
        int tokens = Index.CREDENTIALS_READ_AT_OPEN + 500;
        for (int i = 0; i < tokens; i++) {
            written.putCredential(credential(String.format("t-%06d", i), i & 0xff));
        }
        written.close();
        Index index = Index.file(file);
        try {
            assertEquals(Index.CREDENTIALS_READ_AT_OPEN, index.credentialsRemembered());
            String last = String.format("t-%06d", tokens - 1); // in key order, past what was read at open
            assertEquals(credential(last, (tokens - 1) & 0xff), index.credential(last));
            assertEquals(Index.CREDENTIALS_READ_AT_OPEN + 1, index.credentialsRemembered());
            for (int i = 0; i < tokens; i += 97) {
                assertEquals(credential(String.format("t-%06d", i), i & 0xff), index.credential(String.format("t-%06d", i)));
            }
        } finally {
            index.close();
        }
    }

    @Test
    void aCredentialWritten_isWhatTheNextLookupReturns_andUnknownTokensAreNotRemembered() {
        Index index = Index.memory();
        try {
            assertNull(index.credential("alice"));
            index.putCredential(credential("alice", 1));
            assertEquals(credential("alice", 1), index.credential("alice"));
            index.putCredential(credential("alice", 2));
            assertEquals(credential("alice", 2), index.credential("alice"));
            assertNull(index.credential("bob"));
        } finally {
            index.close();
        }
    }

    @Test
    void readersRacingAWriter_neverSeeAnOlderCredentialThanTheLastWriteReturned() throws Exception {
        Index index = Index.file(dir.resolve("race.mapdb"));
        try {
            for (int i = 0; i < 2_000; i++) { // enough tokens for the tree to have many nodes
                index.putCredential(credential(String.format("t-%04d", i), 0));
            }
            Races.readersNeverSeeOlderThanTheLastWrite(3_000, () -> {
                Credential c = index.credential("t-1000");
                return (c.hash()[0] & 0xff) | (c.hash()[1] & 0xff) << 8;
            }, v -> index.putCredential(credential("t-1000", v)));
            assertEquals(credential("t-1000", 3_000), index.credential("t-1000"));
        } finally {
            index.close();
        }
    }

    @Test
    void lookingUpMoreTokensThanTheCacheHolds_keepsEveryAnswerRight() {
        Index index = Index.memory();
        try {
            int tokens = Index.CREDENTIAL_CACHE_SIZE + 1_000;
            for (int i = 0; i < tokens; i++) {
                index.putCredential(credential("k" + i, i & 0xff));
            }
            for (int i = 0; i < tokens; i++) {
                assertEquals(credential("k" + i, i & 0xff), index.credential("k" + i));
            }
            assertTrue(index.credentialsRemembered() <= Index.CREDENTIAL_CACHE_SIZE,
                    index.credentialsRemembered() + " credentials remembered");
        } finally {
            index.close();
        }
    }
}
