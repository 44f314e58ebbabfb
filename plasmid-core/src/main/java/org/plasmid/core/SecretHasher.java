package org.plasmid.core;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.plasmid.core.spi.Credential;

/**
 * Hashing and checking of secrets, compared in constant time.
 *
 * <ul>
 * <li><b>A secret a person chose</b> is stored as PBKDF2-HMAC-SHA256 with a random 16-byte salt: slow on
 * purpose, so that guessing it costs.</li>
 * <li><b>A secret the server generated</b> (256 random bits: guests, {@code POST a/} without a secret)
 * cannot be guessed, and one SHA-256 of salt and secret protects it as well as any KDF; it is stored
 * so, marked by {@link Credential#iterations()} {@value #GENERATED}. A restart makes every device check
 * its secret again: generated ones cost microseconds, not tens of milliseconds each.</li>
 * </ul>
 *
 * <p>Every request authenticates, so a successful check is remembered (per access token and stored
 * hash, as a fingerprint of the secret: one SHA-256 of a key that lives only in this process, the token
 * and the secret) and later checks cost one SHA-256. The fingerprint never leaves the process, so no
 * one can extend it; it is one SHA-256 rather than an HMAC because every request computes it and a cold
 * server's JIT compiled HMAC's code on top of SHA-256's for a few hundred milliseconds of a reconnect
 * storm. Concurrent first checks of the same token and secret share one hash (single flight): a burst of
 * a thousand devices after a restart pays one slow hash per token, not a thousand. Failures are never
 * remembered, so guessing always pays: a wrong secret, for either kind, and an unknown token (checked
 * against a dummy credential) each cost one slow hash, so the answers cannot tell them apart by time.
 */
final class SecretHasher {
    static final int DEFAULT_ITERATIONS = 100_000;
    /** {@link Credential#iterations()} of a generated secret stored with one SHA-256. */
    static final int GENERATED = 0;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** SHA-256's block and digest sizes, in bytes. */
    private static final int BLOCK = 64;
    private static final int DIGEST = 32;
    /** PBKDF2's block index 1, big-endian: one block of output is all a 32-byte key needs. */
    private static final byte[] FIRST_BLOCK = {0, 0, 0, 1};
    /** One digest per thread: looking one up for every request's check cost as much as using it. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });
    private static final BaseEncoding TOKEN = BaseEncoding.base32().lowerCase().omitPadding();
    private static final BaseEncoding SECRET = BaseEncoding.base64Url().omitPadding();

    private final int iterations;
    /** What {@link #fingerprint} hashes first: lives only in this process. */
    private final byte[] fingerprintKey = randomBytes(32);
    private final Credential dummy;
    /** What {@link #verifyQuickly} hashes for a token whose secret was not generated: the same work. */
    private final Credential dummyGenerated = hashGenerated("\u0000dummy", newSecret(), false);
    private final Cache<String, Remembered> verified = CacheBuilder.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(30)).build();
    /** Checks in progress, by token, stored hash and fingerprint of the secret presented. */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong slowHashes = new AtomicLong();

    private record Remembered(byte[] storedHash, byte[] fingerprint) {
    }

    SecretHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
        this.dummy = hash("\u0000dummy", newSecret(), false);
    }

    /** @return a credential for a secret a person chose: PBKDF2 */
    Credential hash(String access, String secret, boolean guest) {
        byte[] salt = randomBytes(16);
        return new Credential(access, salt, pbkdf2(secret, salt, iterations), iterations, guest);
    }

    /** @return a credential for a secret from {@link #newSecret()}: one SHA-256 */
    Credential hashGenerated(String access, String secret, boolean guest) {
        byte[] salt = randomBytes(16);
        return new Credential(access, salt, sha256(salt, secret), GENERATED, guest);
    }

    /**
     * @param stored the stored credential, or empty for an unknown access token
     * @param secret the secret presented
     * @return whether it matches
     */
    boolean verify(Optional<Credential> stored, String secret) {
        if (stored.isEmpty()) {
            slowCheck(dummy, secret);
            return false;
        }
        Credential c = stored.get();
        byte[] storedHash = c.hash();
        byte[] fingerprint = fingerprint(c.access(), secret);
        if (remembered(c.access(), storedHash, fingerprint)) {
            return true;
        }
        String key = c.access() + '\u0000' + BaseEncoding.base16().encode(storedHash) + '\u0000'
                + BaseEncoding.base16().encode(fingerprint);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join(); // another thread checks this very secret now: share its answer
        }
        try {
            // a check that ended between our look at the cache and our turn here has remembered it
            boolean ok = remembered(c.access(), storedHash, fingerprint) || check(c, secret);
            if (ok) {
                verified.put(c.access(), new Remembered(storedHash, fingerprint));
            }
            mine.complete(ok);
            return ok;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /**
     * Confirms without a slow hash a secret that needs none: one the server generated (one SHA-256: 256
     * random bits cannot be guessed at any rate), or a chosen one that a slow check of this process has
     * confirmed and remembered (one more SHA-256). What most requests cost.
     *
     * @param stored the stored credential, or empty for an unknown access token
     * @param secret the secret presented
     * @return true only if {@code secret} matches a generated-secret credential or a remembered check of
     *     a chosen one; false says nothing (an unknown token, a chosen secret not yet confirmed, a wrong
     *     one: {@link #verify} decides). The work is the same whatever the token, so the time does not
     *     tell its kind.
     */
    boolean verifyQuickly(Optional<Credential> stored, String secret) {
        Credential c = stored.orElse(dummy);
        Credential generated = c.iterations() == GENERATED ? c : dummyGenerated;
        boolean generatedMatches = MessageDigest.isEqual(sha256(generated.salt(), secret), generated.hash());
        boolean confirmed = remembered(c.access(), c.hash(), fingerprint(c.access(), secret));
        return c != dummy && (generated == c ? generatedMatches : confirmed);
    }

    private boolean remembered(String access, byte[] storedHash, byte[] fingerprint) {
        Remembered r = verified.getIfPresent(access);
        return r != null && MessageDigest.isEqual(r.storedHash(), storedHash)
                && MessageDigest.isEqual(r.fingerprint(), fingerprint);
    }

    private boolean check(Credential c, String secret) {
        if (c.iterations() == GENERATED) {
            if (MessageDigest.isEqual(sha256(c.salt(), secret), c.hash())) {
                return true;
            }
            slowCheck(dummy, secret); // a wrong secret costs as much as for any other token
            return false;
        }
        return slowCheck(c, secret);
    }

    private boolean slowCheck(Credential c, String secret) {
        slowHashes.incrementAndGet();
        return MessageDigest.isEqual(pbkdf2(secret, c.salt(), c.iterations()), c.hash());
    }

    /** @return how many slow hashes (PBKDF2) checks have computed so far */
    long slowHashes() {
        return slowHashes.get();
    }

    /** Forgets a token's remembered check (its secret changed). */
    void forget(String access) {
        verified.invalidate(access);
    }

    static String newAccessToken() {
        return "a" + TOKEN.encode(randomBytes(16));
    }

    static String newSecret() {
        return SECRET.encode(randomBytes(32));
    }

    /**
     * PBKDF2-HMAC-SHA256 with one 32-byte block: the very bytes the JDK's {@code PBKDF2WithHmacSHA256}
     * derives (the secret as UTF-8), so credentials stored by either verify with the other. Written out
     * because the JDK's allocates a digest array in every iteration (HMAC's inner hash), 4.8 MB per check
     * of 100,000 iterations, warm or cold: 50 checks of chosen secrets in a reconnect storm were more than
     * half of all the server allocated, and so caused many of its young collections, each copying the
     * state of every poll held so far. This one allocates nothing per iteration, and hashes exactly as
     * much (four SHA-256 blocks per iteration).
     *
     * @param secret the secret
     * @param salt the salt
     * @param iterations the iteration count, at least 1
     * @return the 32-byte derived key
     */
    static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length > BLOCK) { // HMAC hashes a key longer than a block, and pads a shorter one with zeros
            byte[] hashed = md.digest(key);
            Arrays.fill(key, (byte) 0);
            key = hashed;
        }
        byte[] innerPad = new byte[BLOCK];
        byte[] outerPad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        Arrays.fill(key, (byte) 0);
        byte[] inner = new byte[DIGEST];
        byte[] u = new byte[DIGEST];
        byte[] t = new byte[DIGEST];
        byte[] first = Arrays.copyOf(salt, salt.length + FIRST_BLOCK.length);
        System.arraycopy(FIRST_BLOCK, 0, first, salt.length, FIRST_BLOCK.length);
        try {
            hmac(md, innerPad, outerPad, first, inner, u); // U1 = HMAC(secret, salt || INT(1))
            System.arraycopy(u, 0, t, 0, DIGEST);
            for (int c = 1; c < iterations; c++) {
                iterate(md, innerPad, outerPad, inner, u, t);
            }
            return t;
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        } finally {
            md.reset();
            Arrays.fill(innerPad, (byte) 0);
            Arrays.fill(outerPad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
            Arrays.fill(u, (byte) 0);
        }
    }

    /**
     * One PBKDF2 iteration: {@code u = HMAC(secret, u)}, {@code t ^= u}. A method of its own, so that the JIT
     * compiles it by its call count, once for every check running at once, and the SHA-256 intrinsic is
     * used from then on; a loop compiled only by on-stack replacement was thrown back to the interpreter
     * at its first exit (a branch the profile had never seen), and every check started after that ran
     * uncompiled SHA-256 until it was compiled again (seen in a reconnect storm's JFR deoptimizations).
     */
    private static void iterate(MessageDigest md, byte[] innerPad, byte[] outerPad, byte[] inner, byte[] u, byte[] t)
            throws DigestException {
        hmac(md, innerPad, outerPad, u, inner, u);
        for (int j = 0; j < DIGEST; j++) {
            t[j] ^= u[j];
        }
    }

    /** {@code out = HMAC(key, message)}, the key given as its two pads; {@code inner} is scratch space. */
    private static void hmac(MessageDigest md, byte[] innerPad, byte[] outerPad, byte[] message, byte[] inner,
            byte[] out) throws DigestException {
        md.update(innerPad);
        md.update(message);
        md.digest(inner, 0, DIGEST);
        md.update(outerPad);
        md.update(inner);
        md.digest(out, 0, DIGEST);
    }

    private static byte[] sha256(byte[] salt, String secret) {
        MessageDigest d = SHA256.get();
        d.reset(); // digest resets it too; this also clears what a failed call may have left
        d.update(salt);
        return d.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** One SHA-256 of this process's key, the token and the secret (the token holds no NUL). */
    private byte[] fingerprint(String access, String secret) {
        MessageDigest d = SHA256.get();
        d.reset();
        d.update(fingerprintKey);
        d.update(access.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        return d.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
