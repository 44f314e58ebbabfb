package org.plasmid.core;

import static org.plasmid.core.Permissions.CREATE_DATABASE;
import static org.plasmid.core.Permissions.READ_DATABASE;
import static org.plasmid.core.Permissions.WRITE_DATABASE;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The engine as seen by one authenticated access token: every call checks the token's permissions
 * (PROTOCOL.md §4–5), then applies the same rules as the trusted {@link PlasmidHub} API. Every call
 * decides from the grants as they are now, so a revocation takes effect at once. Thread-safe and cheap
 * to create.
 */
public final class ClientSession {
    private final PlasmidHub hub;
    private final String access;
    private final Authority authority;
    private final AccountRules rules;

    ClientSession(PlasmidHub hub, String access) {
        this.hub = hub;
        this.access = access;
        this.authority = hub.authority();
        this.rules = new AccountRules(hub.accounts());
    }

    /** @return the access token this session acts for */
    public String access() {
        return access;
    }

    /** @return whether the token holds the administrator grant ({@code *}, {@code *}) */
    public boolean isAdministrator() {
        return authority.isAdministrator(access);
    }

    /**
     * @param permission a permission
     * @param resource a resource name ({@code *} for the service permissions)
     * @return this token's decision
     */
    public Decision check(String permission, String resource) {
        return authority.decide(access, permission, resource);
    }

    // ---- databases

    /**
     * @param database a database name
     * @return its info
     * @throws PlasmidException FORBIDDEN without ReadDatabase, NOT_FOUND if missing and not creatable,
     *     INVALID for a bad name
     */
    public DatabaseInfo info(String database) {
        open(database, READ_DATABASE);
        return hub.infoOf(database);
    }

    /**
     * Pull, as {@link PlasmidHub#pull}, with ReadDatabase required.
     *
     * @param database a database name
     * @param since the revision the client has
     * @param limit 0 for no limit
     * @param visitor receives the entries
     * @return where the client now stands
     * @throws PlasmidException as {@link #info}
     */
    public PullResult pull(String database, long since, int limit, EntryVisitor visitor) {
        open(database, READ_DATABASE);
        return hub.pullFrom(database, since, limit, visitor);
    }

    /**
     * Clone, as {@link PlasmidHub#clone}, with ReadDatabase required.
     *
     * @param database a database name
     * @param visitor receives the entries
     * @return the revision of the state returned
     * @throws PlasmidException as {@link #info}
     */
    public long clone(String database, EntryVisitor visitor) {
        open(database, READ_DATABASE);
        return hub.cloneOf(database, visitor);
    }

    /**
     * Push, as {@link PlasmidHub#push(String, long, Collection, String)}, with WriteDatabase required and
     * the quota enforced: the smaller of the token's own {@code DatabaseQuota}, its delegator's when its
     * {@code WriteDatabase} was delegated, and the database's own quota.
     *
     * @param database a database name
     * @param lastRevision the revision the client has pulled up to
     * @param changes the changes
     * @param pushId an idempotency token or null
     * @return the outcome
     * @throws PlasmidException FORBIDDEN without WriteDatabase, NOT_FOUND if missing and not creatable,
     *     INVALID for bad input
     */
    public PushResult push(String database, long lastRevision, Collection<Change> changes, @Nullable String pushId) {
        open(database, WRITE_DATABASE);
        return hub.pushTo(database, lastRevision, changes, pushId, authority.pushQuota(access, database));
    }

    /**
     * A long-poll wait, with ReadDatabase required: a future that completes with the revision once the
     * database passes {@code after} (at once if it already has), as {@link PlasmidHub#awaitChange}. The
     * permission is checked here, before anything waits.
     *
     * @param database a database name
     * @param after the revision the client has
     * @return the future; cancel it to stop waiting
     * @throws PlasmidException as {@link #info}
     */
    public CompletableFuture<Long> awaitChange(String database, long after) {
        open(database, READ_DATABASE);
        return hub.awaitChange(database, after);
    }

    /** Checks the permission, then makes sure the database exists (creating it if allowed). */
    private void open(String database, String permission) {
        Names.database(database);
        if (!authority.decide(access, permission, database).allowed()) {
            throw PlasmidException.forbidden(permission, database);
        }
        boolean mayCreate = authority.decide(access, CREATE_DATABASE, database).allowed();
        if (!hub.ensure(database, mayCreate)) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no database " + database);
        }
    }

    // ---- accounts

    /**
     * Creates credentials or changes a secret (PROTOCOL.md §5, POST a/). Without {@code access}, a random
     * unguessable token is generated; without {@code secret}, a random secret. A new token needs
     * CreateAccess, and its creator receives SetSecret on it. A guest needs CreateGuest; its token and
     * secret are always generated, its own database is created with it (with the quota
     * GuestDatabaseQuota), and its creator receives no right over it. An existing token's secret may be
     * changed only by the token itself (unless it holds SetSecret = No on itself) or a holder of SetSecret
     * on it: no caller can take over another token. Without CreateAccess the refusal is the same whether
     * or not the token exists.
     *
     * @param newAccess the token to create or re-secret, or null to generate one
     * @param secret the secret, or null to generate one
     * @param guest whether to create a guest
     * @return the credentials (the only time the secret is shown), or a refusal
     */
    public AccountResult createCredentials(@Nullable String newAccess, @Nullable String secret, boolean guest) {
        return rules.createCredentials(access, newAccess, secret, guest);
    }

    /**
     * The grants a token holds, allowing and denying, with their delegators (PROTOCOL.md §5,
     * GET a/{access}).
     *
     * @param target the token whose grants to list
     * @return its grants, sorted by permission then resource
     * @throws PlasmidException FORBIDDEN unless {@code target} is this token or this token is an
     *     administrator
     */
    public List<Grant> grants(String target) {
        return rules.grantsVisibleTo(access, target);
    }

    /**
     * Grants a permission to another token (PROTOCOL.md §5, POST a/{access}). An administrator may grant
     * anything. Anyone else may only delegate an exact database permission (ReadDatabase, WriteDatabase,
     * CreateDatabase) on an exact database name that it holds itself, with {@code Yes}, to a token that
     * has no grant of its own matching it. The grant records this token as its delegator: it may revoke
     * it, and the grant holds only while this token holds the permission itself.
     *
     * @param target the receiving token
     * @param permission the permission
     * @param resource the resource
     * @param value the value (required)
     * @return the grant, or a refusal (the same whether or not the target exists)
     */
    public AccountResult grant(String target, String permission, String resource, @Nullable String value) {
        return rules.grant(access, target, permission, resource, value);
    }

    /**
     * Removes a grant (PROTOCOL.md §5 (ext) DELETE): an administrator any, a delegator the grants it
     * delegated, a token its own grants that allow (never its own denials or quotas). What the holder
     * delegated and no longer holds is revoked with it.
     *
     * @param target the token
     * @param permission the permission as granted
     * @param resource the resource as granted
     * @return the removed grant (value empty), or a refusal
     */
    public AccountResult revoke(String target, String permission, String resource) {
        return rules.revoke(access, target, permission, resource);
    }
}
