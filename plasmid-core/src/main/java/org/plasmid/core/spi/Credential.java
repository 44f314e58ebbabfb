package org.plasmid.core.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored credential: never the secret itself, only its salted hash — PBKDF2-HMAC-SHA256 for a secret a
 * person chose, one SHA-256 for a secret the server generated (256 random bits), told apart by
 * {@code iterations}.
 *
 * @param access the access token
 * @param salt the random salt
 * @param hash PBKDF2 of the secret with the salt
 * @param iterations the PBKDF2 iteration count used, or {@code 0} for a generated secret hashed once with
 *     SHA-256 (salt, then the secret's UTF-8 bytes)
 * @param guest whether this is a guest account
 */
public record Credential(String access, byte[] salt, byte[] hash, int iterations, boolean guest) {
    /** Checks for nulls and copies the arrays. */
    public Credential {
        Objects.requireNonNull(access, "access");
        salt = salt.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credential c && access.equals(c.access) && Arrays.equals(salt, c.salt)
                && Arrays.equals(hash, c.hash) && iterations == c.iterations && guest == c.guest;
    }

    @Override
    public int hashCode() {
        return Objects.hash(access, Arrays.hashCode(salt), Arrays.hashCode(hash), iterations, guest);
    }

    @Override
    public String toString() {
        return "Credential[" + access + (guest ? ", guest" : "") + "]";
    }
}
