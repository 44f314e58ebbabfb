package org.plasmid.core;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.plasmid.core.spi.Credential;

/**
 * Hashing and checking of secrets: PBKDF2-HMAC-SHA256 with a random 16-byte salt, compared in constant
 * time. Since every HTTP request authenticates, a successful check is remembered (per access token and
 * stored hash, as an HMAC of the secret under a key that lives only in this process) so that later
 * requests cost one HMAC instead of one slow hash. Failures are never remembered, so guessing always
 * pays the slow hash; an unknown access token pays it too, against a dummy credential, so it cannot be
 * told from a wrong secret.
 */
final class SecretHasher {
    static final int DEFAULT_ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final BaseEncoding TOKEN = BaseEncoding.base32().lowerCase().omitPadding();
    private static final BaseEncoding SECRET = BaseEncoding.base64Url().omitPadding();

    private final int iterations;
    private final byte[] macKey = randomBytes(32);
    private final Credential dummy;
    private final Cache<String, Remembered> verified = CacheBuilder.newBuilder()
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(30)).build();

    private record Remembered(byte[] storedHash, byte[] secretMac) {
    }

    SecretHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
        this.dummy = hash("\u0000dummy", newSecret(), false);
    }

    Credential hash(String access, String secret, boolean guest) {
        byte[] salt = randomBytes(16);
        return new Credential(access, salt, pbkdf2(secret, salt, iterations), iterations, guest);
    }

    /**
     * @param stored the stored credential, or empty for an unknown access token
     * @param secret the secret presented
     * @return whether it matches
     */
    boolean verify(Optional<Credential> stored, String secret) {
        Credential c = stored.orElse(dummy);
        byte[] storedHash = c.hash();
        byte[] mac = mac(c.access(), secret);
        Remembered r = stored.isPresent() ? verified.getIfPresent(c.access()) : null;
        if (r != null && MessageDigest.isEqual(r.storedHash(), storedHash) && MessageDigest.isEqual(r.secretMac(), mac)) {
            return true;
        }
        boolean ok = MessageDigest.isEqual(pbkdf2(secret, c.salt(), c.iterations()), storedHash) && stored.isPresent();
        if (ok) {
            verified.put(c.access(), new Remembered(storedHash, mac));
        }
        return ok;
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

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private byte[] mac(String access, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            mac.update(access.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
