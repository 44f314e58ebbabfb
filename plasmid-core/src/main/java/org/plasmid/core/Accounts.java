package org.plasmid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.Storage;

/**
 * Trusted administration of credentials and grants, for host-application code and the admin CLI. No
 * permission is checked here: requests on behalf of a client go through {@link ClientSession}.
 * Thread-safe. A storage failure surfaces as a {@link PlasmidException} with reason
 * {@link PlasmidException.Reason#STORAGE} (or {@link PlasmidException.Reason#CLOSED} once the hub is
 * closed), as everywhere in the engine.
 */
public final class Accounts {
    /** Longest accepted secret, in characters. */
    public static final int MAX_SECRET_LENGTH = 1024;

    private final Storage storage;
    private final SecretHasher hasher;
    private final BooleanSupplier closed;

    Accounts(Storage storage, SecretHasher hasher, BooleanSupplier closed) {
        this.storage = storage;
        this.hasher = hasher;
        this.closed = closed;
    }

    /** Runs storage calls, turning a storage failure into the engine's exception. */
    private <T> T call(Supplier<T> storageCalls) {
        return PlasmidHub.translate(storageCalls, closed);
    }

    /**
     * Creates an account with this secret, or sets a new secret for an existing one (its grants stay).
     *
     * @param access the access token
     * @param secret the secret (1–1,024 characters, without NUL)
     * @return whether the account was created (false: its secret was changed)
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for a bad token or secret
     */
    public boolean setSecret(String access, String secret) {
        Names.access(access);
        checkSecret(secret);
        return call(() -> {
            Optional<Credential> existing = storage.credential(access);
            boolean guest = existing.map(Credential::guest).orElse(false);
            Credential c = hasher.hash(access, secret, guest);
            hasher.forget(access);
            if (existing.isPresent() && storage.updateCredential(c)) {
                return false;
            }
            if (storage.createAccount(c, List.of())) {
                return true;
            }
            storage.updateCredential(c);
            return false;
        });
    }

    /**
     * Checks an access token and secret, in time that does not tell an unknown token from a wrong secret.
     *
     * @param access the access token
     * @param secret the secret
     * @return whether they match a stored credential
     */
    public boolean authenticate(String access, String secret) {
        if (access == null || !isValidAccess(access) || !isValidSecret(secret)) {
            hasher.verify(Optional.empty(), secret == null ? "" : secret);
            return false;
        }
        return hasher.verify(call(() -> storage.credential(access)), secret);
    }

    /**
     * @param access an access token
     * @return whether an account with this token exists
     */
    public boolean exists(String access) {
        return isValidAccess(access) && call(() -> storage.credential(access)).isPresent();
    }

    /**
     * Grants (or replaces) a permission.
     *
     * @param access an existing account's token
     * @param permission a permission name or {@code *}
     * @param resource a resource, a prefix pattern {@code abc*}, or {@code *}
     * @param value {@code Yes}, {@code No}, a quota, a prefix...
     * @return the stored grant
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for bad names or a null value,
     *     {@link PlasmidException.Reason#NOT_FOUND} if the account does not exist
     */
    public Grant grant(String access, String permission, String resource, String value) {
        Grant g = new Grant(access, permission, resource, value);
        return call(() -> {
            requireAccount(access);
            storage.putGrant(g);
            return g;
        });
    }

    /**
     * Removes a grant.
     *
     * @param access the token
     * @param permission the permission exactly as granted
     * @param resource the resource exactly as granted
     * @return whether there was such a grant
     */
    public boolean revoke(String access, String permission, String resource) {
        Names.access(access);
        Names.permission(permission);
        Names.resource(resource);
        return call(() -> storage.removeGrant(access, permission, resource));
    }

    /**
     * Decides a permission for a token (PROTOCOL.md §5).
     *
     * @param access the token
     * @param permission the permission (a name, not {@code *})
     * @param resource the resource (a name)
     * @return the decision, with the deciding value
     */
    public Decision check(String access, String permission, String resource) {
        Names.access(access);
        return PermissionMatcher.decide(call(() -> storage.grants(access)), permission, resource);
    }

    /**
     * @param access a token
     * @return all its grants, allowing and denying, sorted by permission then resource
     */
    public List<Grant> grants(String access) {
        Names.access(access);
        List<Grant> grants = new ArrayList<>(call(() -> storage.grants(access)));
        grants.sort(java.util.Comparator.comparing(Grant::permission).thenComparing(Grant::resource));
        return grants;
    }

    /** @return every access token, sorted; secrets are never listed (they are not stored) */
    public List<String> list() {
        List<String> all = new ArrayList<>();
        call(() -> {
            storage.listAccounts(all::add);
            return null;
        });
        all.sort(null);
        return all;
    }

    private void requireAccount(String access) {
        if (storage.credential(access).isEmpty()) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no account " + access
                    + " (set its secret first)");
        }
    }

    static void checkSecret(String secret) {
        if (!isValidSecret(secret)) {
            throw PlasmidException.invalid(SECRET_RULE);
        }
    }

    static final String SECRET_RULE = "a secret must be 1-" + MAX_SECRET_LENGTH + " characters, without NUL";

    /**
     * A secret is 1–1,024 characters without U+0000. NUL is refused because PBKDF2's HMAC pads its key
     * with zero bytes: a secret and the same secret followed by NULs would hash alike, so a secret would
     * not be compared exactly.
     */
    static boolean isValidSecret(String secret) {
        return secret != null && !secret.isEmpty() && secret.length() <= MAX_SECRET_LENGTH
                && secret.indexOf('\u0000') < 0;
    }

    static boolean isValidAccess(String access) {
        try {
            Names.access(access);
            return true;
        } catch (PlasmidException e) {
            return false;
        }
    }

    Storage storage() {
        return storage;
    }

    SecretHasher hasher() {
        return hasher;
    }
}
