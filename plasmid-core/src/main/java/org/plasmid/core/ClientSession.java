package org.plasmid.core;

import static org.plasmid.core.Permissions.CREATE_ACCESS;
import static org.plasmid.core.Permissions.CREATE_DATABASE;
import static org.plasmid.core.Permissions.CREATE_GUEST;
import static org.plasmid.core.Permissions.DATABASE_QUOTA;
import static org.plasmid.core.Permissions.GUEST_DATABASE_PREFIX;
import static org.plasmid.core.Permissions.GUEST_DATABASE_QUOTA;
import static org.plasmid.core.Permissions.READ_DATABASE;
import static org.plasmid.core.Permissions.SET_SECRET;
import static org.plasmid.core.Permissions.WRITE_DATABASE;
import static org.plasmid.core.Permissions.YES;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.plasmid.core.AccountResult.Refusal;
import org.plasmid.core.spi.Credential;

/**
 * The engine as seen by one authenticated access token: every call checks the token's permissions
 * (PROTOCOL.md §4–5), then applies the same rules as the trusted {@link PlasmidHub} API. Grants are
 * read afresh on every call, so a revocation takes effect at once. Thread-safe and cheap to create.
 */
public final class ClientSession {
    private final PlasmidHub hub;
    private final String access;

    ClientSession(PlasmidHub hub, String access) {
        this.hub = hub;
        this.access = access;
    }

    /** @return the access token this session acts for */
    public String access() {
        return access;
    }

    /** @return whether the token holds the administrator grant ({@code *}, {@code *}) */
    public boolean isAdministrator() {
        return PermissionMatcher.isAdministrator(hub.grantsOf(access));
    }

    /**
     * @param permission a permission
     * @param resource a resource name
     * @return this token's decision
     */
    public Decision check(String permission, String resource) {
        return PermissionMatcher.decide(hub.grantsOf(access), permission, resource);
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
     * the token's DatabaseQuota enforced.
     *
     * @param database a database name
     * @param lastRevision the revision the client has pulled up to
     * @param changes the changes
     * @param pushId an idempotency token or null
     * @return the outcome
     * @throws PlasmidException FORBIDDEN without WriteDatabase, NOT_FOUND if missing and not creatable,
     *     INVALID for bad input
     */
    public PushResult push(String database, long lastRevision, Collection<Change> changes, String pushId) {
        List<Grant> grants = open(database, WRITE_DATABASE);
        long quota = PermissionMatcher.decide(grants, DATABASE_QUOTA, database).asLimit();
        return hub.pushTo(database, lastRevision, changes, pushId, quota);
    }

    /** Checks the permission, then makes sure the database exists; returns the caller's grants. */
    private List<Grant> open(String database, String permission) {
        Names.database(database);
        List<Grant> grants = hub.grantsOf(access);
        if (!PermissionMatcher.decide(grants, permission, database).allowed()) {
            throw PlasmidException.forbidden(permission, database);
        }
        boolean mayCreate = PermissionMatcher.decide(grants, CREATE_DATABASE, database).allowed();
        if (!hub.ensure(database, mayCreate)) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no database " + database);
        }
        return grants;
    }

    // ---- accounts

    /**
     * Creates credentials or changes a secret (PROTOCOL.md §5, POST a/). Without {@code access}, a random
     * unguessable token is generated; without {@code secret}, a random secret. A new token needs
     * CreateAccess (CreateGuest for a guest); its creator receives SetSecret on it; a guest receives
     * Create/Read/WriteDatabase and a DatabaseQuota on its own database. An existing token's secret may
     * be changed only by the token itself or a holder of SetSecret on it: no caller can take over
     * another token.
     *
     * @param newAccess the token to create or re-secret, or null to generate one
     * @param secret the secret, or null to generate one
     * @param guest whether to create a guest
     * @return the credentials (the only time the secret is shown), or a refusal
     */
    public AccountResult createCredentials(String newAccess, String secret, boolean guest) {
        if (newAccess == null && secret != null) {
            return AccountResult.refused(Refusal.INVALID, "a secret can only be given with an access token");
        }
        if (newAccess != null && !Accounts.isValidAccess(newAccess)) {
            return AccountResult.refused(Refusal.INVALID, "invalid access token");
        }
        if (secret != null && !Accounts.isValidSecret(secret)) {
            return AccountResult.refused(Refusal.INVALID, Accounts.SECRET_RULE);
        }
        String theSecret = secret != null ? secret : SecretHasher.newSecret();
        List<Grant> grants = hub.grantsOf(access);
        Accounts accounts = hub.accounts();
        if (newAccess != null) {
            Optional<Credential> existing = hub.storage(() -> accounts.storage().credential(newAccess));
            if (existing.isPresent()) {
                boolean mayChange = newAccess.equals(access)
                        || PermissionMatcher.decide(grants, SET_SECRET, newAccess).allowed();
                if (!mayChange) {
                    return AccountResult.refused(Refusal.EXISTS, "access token " + newAccess + " already exists");
                }
                Credential c = accounts.hasher().hash(newAccess, theSecret, existing.get().guest());
                accounts.hasher().forget(newAccess);
                if (hub.storage(() -> accounts.storage().updateCredential(c))) {
                    return AccountResult.created(newAccess, theSecret, null);
                }
                return AccountResult.refused(Refusal.INVALID, "access token " + newAccess + " vanished");
            }
        }
        String needed = guest ? CREATE_GUEST : CREATE_ACCESS;
        if (!PermissionMatcher.decide(grants, needed, Permissions.ANY).allowed()) {
            return AccountResult.refused(Refusal.FORBIDDEN, "permission " + needed + " is required");
        }
        String token = newAccess != null ? newAccess : SecretHasher.newAccessToken();
        List<Grant> initial = new ArrayList<>();
        initial.add(new Grant(access, SET_SECRET, token, YES));
        String dbname = null;
        if (guest) {
            dbname = PermissionMatcher.decide(grants, GUEST_DATABASE_PREFIX, Permissions.ANY).value() + token;
            if (!Names.isDatabase(dbname)) {
                return AccountResult.refused(Refusal.INVALID, "guest database name " + dbname + " is not valid");
            }
            Decision quota = PermissionMatcher.decide(grants, GUEST_DATABASE_QUOTA, Permissions.ANY);
            String quotaValue = quota.asLimit() >= 0 ? Long.toString(quota.asLimit())
                    : Permissions.defaultValue(GUEST_DATABASE_QUOTA);
            initial.add(new Grant(token, CREATE_DATABASE, dbname, YES));
            initial.add(new Grant(token, READ_DATABASE, dbname, YES));
            initial.add(new Grant(token, WRITE_DATABASE, dbname, YES));
            initial.add(new Grant(token, DATABASE_QUOTA, dbname, quotaValue));
        }
        Credential c = accounts.hasher().hash(token, theSecret, guest);
        if (!hub.storage(() -> accounts.storage().createAccount(c, initial))) {
            return AccountResult.refused(Refusal.EXISTS, "access token " + token + " already exists");
        }
        return AccountResult.created(token, theSecret, dbname);
    }

    /**
     * The allowing grants of a token (PROTOCOL.md §5, GET a/{access}).
     *
     * @param target the token whose grants to list
     * @return its allowing grants, sorted by permission then resource
     * @throws PlasmidException FORBIDDEN unless {@code target} is this token or this token is an
     *     administrator
     */
    public List<Grant> grants(String target) {
        Names.access(target);
        if (!target.equals(access) && !isAdministrator()) {
            throw PlasmidException.forbidden(Permissions.ANY, target);
        }
        List<Grant> result = new ArrayList<>();
        for (Grant g : hub.accounts().grants(target)) {
            if (g.allows()) {
                result.add(g);
            }
        }
        return result;
    }

    /**
     * Grants a permission to another token (PROTOCOL.md §5, POST a/{access}). The caller may grant only
     * what it holds itself, on resources its own grants cover, or must be an administrator. A valued
     * permission may be granted only up to the caller's own value (a quota no larger, the same prefix).
     *
     * @param target the receiving token
     * @param permission the permission
     * @param resource the resource or pattern
     * @param value the value (required)
     * @return the grant, or a refusal
     */
    public AccountResult grant(String target, String permission, String resource, String value) {
        Grant g;
        try {
            g = new Grant(target, permission, resource, value);
        } catch (PlasmidException e) {
            return AccountResult.refused(Refusal.INVALID, e.getMessage());
        }
        List<Grant> mine = hub.grantsOf(access);
        if (!mayGrant(mine, g) || !mayChangeGrantsOf(mine, g)) {
            return AccountResult.refused(Refusal.FORBIDDEN, "Must have a permission to grant it.");
        }
        if (!hub.accounts().exists(target)) {
            return AccountResult.refused(Refusal.INVALID, "no account " + target);
        }
        hub.storage(() -> {
            hub.accounts().storage().putGrant(g);
            return null;
        });
        return AccountResult.granted(g);
    }

    /**
     * Removes a grant (PROTOCOL.md §5 (ext) DELETE). Allowed to an administrator, to the token itself
     * (giving up a grant), and to a holder of SetSecret on the token (its creator) that could grant it.
     *
     * @param target the token
     * @param permission the permission as granted
     * @param resource the resource as granted
     * @return the removed grant (value empty), or a refusal
     */
    public AccountResult revoke(String target, String permission, String resource) {
        try {
            Names.access(target);
            Names.permission(permission);
            Names.resource(resource);
        } catch (PlasmidException e) {
            return AccountResult.refused(Refusal.INVALID, e.getMessage());
        }
        List<Grant> mine = hub.grantsOf(access);
        boolean allowed = target.equals(access) || PermissionMatcher.isAdministrator(mine)
                || (PermissionMatcher.decide(mine, SET_SECRET, target).allowed()
                        && PermissionMatcher.covers(mine, permission, resource));
        if (!allowed) {
            return AccountResult.refused(Refusal.FORBIDDEN, "Must have a permission to revoke it.");
        }
        if (!hub.accounts().revoke(target, permission, resource)) {
            return AccountResult.refused(Refusal.NOT_FOUND, "no such grant");
        }
        return AccountResult.granted(new Grant(target, permission, resource, ""));
    }

    /**
     * Sharing must not become sabotage: only an administrator or the token's manager (a holder of
     * SetSecret on it) may grant it a denial or replace a grant it already has.
     */
    private boolean mayChangeGrantsOf(List<Grant> mine, Grant g) {
        if (PermissionMatcher.isAdministrator(mine)
                || PermissionMatcher.decide(mine, SET_SECRET, g.access()).allowed()) {
            return true;
        }
        boolean replaces = hub.grantsOf(g.access()).stream()
                .anyMatch(h -> h.permission().equals(g.permission()) && h.resource().equals(g.resource()));
        return g.allows() && !replaces;
    }

    private static boolean mayGrant(List<Grant> mine, Grant g) {
        if (PermissionMatcher.isAdministrator(mine)) {
            return true;
        }
        if (!PermissionMatcher.covers(mine, g.permission(), g.resource())) {
            return false;
        }
        if (!Permissions.isValued(g.permission())) {
            return true;
        }
        String probe = g.resource().endsWith("*") ? g.resource().substring(0, g.resource().length() - 1)
                : g.resource();
        Decision held = PermissionMatcher.decide(mine, g.permission(), probe.isEmpty() ? Permissions.ANY : probe);
        if (held.grant() == null) {
            return false; // a default (such as an unlimited quota) is not a grant one can pass on
        }
        if (g.permission().equals(GUEST_DATABASE_PREFIX)) {
            return held.value().equals(g.value());
        }
        long heldLimit = held.asLimit();
        if (heldLimit < 0) {
            return true; // the granter's own quota is unlimited
        }
        try {
            long granted = Long.parseLong(g.value().trim());
            return granted >= 0 && granted <= heldLimit;
        } catch (NumberFormatException e) {
            return !g.allows(); // a denial (No) is within any quota; "unlimited" is not
        }
    }
}
