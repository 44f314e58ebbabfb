package org.plasmid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials and grants: the one place their rules live (PROTOCOL.md §5). The public methods are the
 * trusted administration, for host-application code and the admin CLI: no permission is checked, but
 * every value is (a grant's value must be exactly valid). Requests made on behalf of a client go
 * through {@link ClientSession}, which calls the permission-checked operations here
 * ({@link AccountRules}).
 *
 * <p>Whenever a token's grants change, what it delegated is checked again, and every delegation it no
 * longer holds itself is revoked, along the chain (cascade). Thread-safe. A storage failure surfaces as
 * a {@link PlasmidException} with reason {@link PlasmidException.Reason#STORAGE} (or
 * {@link PlasmidException.Reason#CLOSED} once the hub is closed), as everywhere in the engine.
 */
public final class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    /** Longest accepted secret, in characters. */
    public static final int MAX_SECRET_LENGTH = 1024;
    /** Default most grants one account may hold. */
    public static final int DEFAULT_MAX_GRANTS = 1000;

    private final Storage storage;
    private final SecretHasher hasher;
    private final Authority authority;
    private final int maxGrants;
    private final BooleanSupplier closed;
    /** Serializes grant changes and their cascades within this process. */
    private final Object grantLock = new Object();

    Accounts(Storage storage, SecretHasher hasher, Authority authority, int maxGrants, BooleanSupplier closed) {
        this.storage = storage;
        this.hasher = hasher;
        this.authority = authority;
        this.maxGrants = maxGrants;
        this.closed = closed;
    }

    /** Runs storage calls, turning a storage failure into the engine's exception. */
    <T> T call(Supplier<T> storageCalls) {
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
            if (existing.isPresent() && replaceSecret(existing.get(), secret, false)) {
                return false;
            }
            if (storage.createAccount(hasher.hash(access, secret, false), List.of())) {
                authority.changed();
                return true;
            }
            replaceSecret(storage.credential(access).orElseThrow(), secret, false); // created meanwhile: ours wins
            return false;
        });
    }

    /**
     * Stores a new secret for an existing account (keeping whether it is a guest); false if it vanished.
     *
     * @param generated whether the server generated the secret (stored with a fast hash) or a person chose it
     */
    boolean replaceSecret(Credential existing, String secret, boolean generated) {
        Credential c = generated ? hasher.hashGenerated(existing.access(), secret, existing.guest())
                : hasher.hash(existing.access(), secret, existing.guest());
        boolean replaced = call(() -> storage.updateCredential(c));
        hasher.forget(existing.access());
        return replaced;
    }

    /**
     * Checks an access token and secret, in time that does not tell an unknown token from a wrong secret.
     *
     * @param access the access token
     * @param secret the secret
     * @return whether they match a stored credential
     */
    public boolean authenticate(@Nullable String access, @Nullable String secret) {
        if (access == null || !isValidAccess(access) || !isValidSecret(secret)) {
            hasher.verify(Optional.empty(), secret == null ? "" : secret);
            return false;
        }
        return hasher.verify(call(() -> storage.credential(access)), secret);
    }

    /**
     * Confirms, with two SHA-256 hashes and no slow hash, an access token whose secret the server
     * generated ({@code POST a/} without a secret, guests: 256 random bits cannot be guessed) or whose
     * chosen secret a slow check of this process has already confirmed. Such a check need not wait its
     * turn behind slow checks of chosen secrets, nor count as an attempt (an adapter still refuses a
     * token or address that failures have throttled before calling it). What every request of a known
     * device costs.
     *
     * @param access the access token
     * @param secret the secret
     * @return true only if {@code secret} is the token's generated secret or its confirmed chosen one;
     *     false says nothing (an unknown token, a chosen secret not yet confirmed, a wrong one:
     *     {@link #authenticate} decides)
     */
    public boolean authenticateQuickly(@Nullable String access, @Nullable String secret) {
        if (access == null || !isValidAccess(access) || !isValidSecret(secret)) {
            return false;
        }
        return hasher.verifyQuickly(call(() -> storage.credential(access)), secret);
    }

    /**
     * @param access an access token
     * @return whether an account with this token exists
     */
    public boolean exists(@Nullable String access) {
        return isValidAccess(access) && credential(access).isPresent();
    }

    Optional<Credential> credential(String access) {
        return call(() -> storage.credential(access));
    }

    /**
     * Grants (or replaces) a permission, as an administrator: any permission on any resource. The value
     * must be exactly valid: {@code Yes} or {@code No} (any case) for the boolean permissions, a
     * non-negative integer of bytes for the quotas, a database-name prefix for
     * {@code GuestDatabasePrefix}. Replacing a grant that the token had delegated to others revokes those
     * it no longer holds.
     *
     * @param access an existing account's token
     * @param permission a permission name or {@code *}
     * @param resource a resource, a prefix pattern {@code abc*}, or {@code *}, as the permission takes
     * @param value the value
     * @return the stored grant, with the value in its canonical form ({@code yes} is stored as {@code Yes})
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for an unknown permission, a
     *     resource the permission does not take, an invalid value, or an account holding the most grants
     *     allowed; {@link PlasmidException.Reason#NOT_FOUND} if the account does not exist
     */
    public Grant grant(String access, String permission, String resource, @Nullable String value) {
        Grant g = validGrant(access, permission, resource, value, null);
        synchronized (grantLock) {
            requireAccount(access);
            if (!roomFor(g)) {
                throw PlasmidException.invalid(access + " holds " + maxGrants + " grants, the most allowed");
            }
            store(g);
            return g;
        }
    }

    /**
     * Removes a grant, and with it what the token delegated that it no longer holds (cascade).
     *
     * @param access an existing account's token
     * @param permission the permission exactly as granted
     * @param resource the resource exactly as granted
     * @return whether there was such a grant
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for bad names,
     *     {@link PlasmidException.Reason#NOT_FOUND} if the account does not exist
     */
    public boolean revoke(String access, String permission, String resource) {
        Names.access(access);
        Names.permission(permission);
        Names.resource(resource);
        synchronized (grantLock) {
            requireAccount(access);
            return remove(access, permission, resource);
        }
    }

    /**
     * Decides a permission for a token (PROTOCOL.md §5), as every request of that token would.
     *
     * @param access an existing account's token
     * @param permission the permission (a name, not {@code *})
     * @param resource the resource (a name, or {@code *} for the service permissions)
     * @return the decision, with the deciding value
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} for an unknown permission or a bad
     *     name, {@link PlasmidException.Reason#NOT_FOUND} if the account does not exist (a mistyped token
     *     must not pass for one that is denied)
     */
    public Decision check(String access, String permission, String resource) {
        Names.access(access);
        Names.permission(permission);
        if (!Permissions.isKnown(permission) || permission.equals(Permissions.ANY)) {
            throw PlasmidException.invalid("unknown permission " + Names.quote(permission)
                    + " (ask for one permission by name)");
        }
        Names.resource(resource);
        requireAccount(access);
        return authority.decide(access, permission, resource);
    }

    private void requireAccount(String access) {
        if (credential(access).isEmpty()) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no account " + access
                    + " (set its secret first)");
        }
    }

    /**
     * @param access a token
     * @return all its grants, allowing and denying, with their delegators, sorted by permission then
     *     resource
     */
    public List<Grant> grants(String access) {
        Names.access(access);
        return authority.grantsOf(access).all();
    }

    /**
     * @return how many slow (PBKDF2) hashes secret checks have computed since the hub opened: chosen secrets
     *     checked for the first time, wrong secrets and unknown tokens (for monitoring and tests)
     */
    public long slowHashes() {
        return hasher.slowHashes();
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

    // ---- shared with AccountRules (permission-checked operations of ClientSession)

    Authority authority() {
        return authority;
    }

    SecretHasher hasher() {
        return hasher;
    }

    Storage storage() {
        return storage;
    }

    Object grantLock() {
        return grantLock;
    }

    /**
     * Checks a grant's names, permission, resource shape and value.
     *
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if any of them is not valid
     */
    static Grant validGrant(String access, String permission, String resource, @Nullable String value,
            @Nullable String delegator) {
        Names.access(access);
        Names.permission(permission);
        Names.resource(resource);
        if (!Permissions.isKnown(permission)) {
            throw PlasmidException.invalid("unknown permission " + Names.quote(permission));
        }
        checkResource(permission, resource);
        return new Grant(access, permission, resource, Permissions.canonicalValue(permission, value), delegator);
    }

    private static void checkResource(String permission, String resource) {
        Permissions.Kind kind = Permissions.kind(permission);
        if (resource.equals(Permissions.ANY)) {
            return;
        }
        if (kind == Permissions.Kind.SERVICE) {
            throw PlasmidException.invalid(permission + " takes the resource *");
        }
        String name = resource.endsWith("*") ? resource.substring(0, resource.length() - 1) : resource;
        boolean ok = kind == Permissions.Kind.ACCOUNT ? isValidAccess(name) : Names.isDatabase(name);
        if (!ok) {
            throw PlasmidException.invalid(permission + " takes " + (kind == Permissions.Kind.ACCOUNT
                    ? "an access token" : "a database name") + ", a prefix followed by *, or *; got "
                    + Names.quote(resource));
        }
    }

    /** @return whether the token may hold one more grant (a replacement always fits). Under the lock. */
    boolean roomFor(Grant g) {
        GrantSet held = authority.grantsOf(g.access());
        return held.get(g.permission(), g.resource()) != null || held.size() < maxGrants;
    }

    /**
     * Stores a grant, then revokes what its holder delegated and no longer holds. An administrator's grant
     * also supersedes the holder's delegated grants that it matches (a later denial by an administrator is
     * never overridden by an earlier delegation). Under the lock.
     */
    void store(Grant g) {
        if (!g.isDelegated()) {
            // first, so that a failure part-way revoked (fail-closed) rather than left a delegation in force
            for (Grant held : authority.grantsOf(g.access()).all()) {
                boolean superseded = held.isDelegated() && !sameKey(held, g)
                        && PermissionMatcher.score(g, held.permission(), held.resource()) >= 0;
                if (superseded && call(() -> storage.removeGrant(held.access(), held.permission(), held.resource()))) {
                    authority.changed();
                }
            }
        }
        call(() -> {
            storage.putGrant(g);
            return null;
        });
        authority.changed();
        cascade(g.access());
    }

    private static boolean sameKey(Grant a, Grant b) {
        return a.permission().equals(b.permission()) && a.resource().equals(b.resource());
    }

    /** Removes a grant and cascades. Under the lock. */
    boolean remove(String access, String permission, String resource) {
        boolean removed = call(() -> storage.removeGrant(access, permission, resource));
        authority.changed();
        if (removed) {
            cascade(access);
        }
        return removed;
    }

    /**
     * Revokes every grant delegated by {@code delegator} (and, in turn, by those it reaches) whose
     * delegator no longer holds it with {@code Yes}. Decisions already ignore such grants (they are not
     * in force), so this is tidying, not protection: it removes them for good, so they neither show nor
     * count against the holder's limit. If the storage fails meanwhile, the change that started it stands
     * and the rest is left for the next change of those grants.
     */
    private void cascade(String delegator) {
        try {
            revokeLapsedDelegations(delegator);
        } catch (PlasmidException e) {
            LOG.warn("revoking the delegations that {} no longer holds stopped: {}; they are not in force, and are "
                    + "revoked with the next change of its grants", delegator, e.getMessage());
        }
    }

    private void revokeLapsedDelegations(String delegator) {
        List<String> todo = new ArrayList<>(List.of(delegator));
        while (!todo.isEmpty()) {
            String d = todo.remove(todo.size() - 1);
            for (Grant g : call(() -> storage.delegatedBy(d))) {
                if (!authority.decide(d, g.permission(), g.resource()).allowed()) {
                    if (call(() -> storage.removeGrant(g.access(), g.permission(), g.resource()))) {
                        authority.changed();
                        todo.add(g.access());
                    }
                }
            }
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
    static boolean isValidSecret(@Nullable String secret) {
        return secret != null && !secret.isEmpty() && secret.length() <= MAX_SECRET_LENGTH
                && secret.indexOf('\u0000') < 0;
    }

    static boolean isValidAccess(@Nullable String access) {
        try {
            Names.access(access);
            return true;
        } catch (PlasmidException e) {
            return false;
        }
    }
}
