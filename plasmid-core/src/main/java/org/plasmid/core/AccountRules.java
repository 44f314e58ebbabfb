package org.plasmid.core;

import static org.plasmid.core.Permissions.CREATE_ACCESS;
import static org.plasmid.core.Permissions.CREATE_DATABASE;
import static org.plasmid.core.Permissions.CREATE_GUEST;
import static org.plasmid.core.Permissions.GUEST_DATABASE_PREFIX;
import static org.plasmid.core.Permissions.GUEST_DATABASE_QUOTA;
import static org.plasmid.core.Permissions.READ_DATABASE;
import static org.plasmid.core.Permissions.SET_SECRET;
import static org.plasmid.core.Permissions.WRITE_DATABASE;
import static org.plasmid.core.Permissions.YES;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.AccountResult.Refusal;
import org.plasmid.core.spi.Credential;

/**
 * The account operations a client may ask for (PROTOCOL.md §5: {@code POST a/}, {@code GET a/{access}},
 * {@code POST a/{access}}, {@code DELETE a/{access}/...}), each checked against what the calling token
 * holds. Refusals are results, never exceptions, and never tell whether a token the caller may not
 * manage exists. Thread-safe.
 */
final class AccountRules {
    static final String GRANT_REFUSED = "Must have a permission to grant it.";
    static final String REVOKE_REFUSED = "Must have a permission to revoke it.";
    /** Tries at a fresh token when a guest's database name is taken (never adopted). */
    private static final int GUEST_ATTEMPTS = 3;

    private final Accounts accounts;
    private final Authority authority;

    AccountRules(Accounts accounts) {
        this.accounts = accounts;
        this.authority = accounts.authority();
    }

    /**
     * {@code POST a/}: creates credentials, or changes a secret.
     *
     * @param caller the authenticated token asking
     * @param newAccess the token to create or re-secret, or null to generate one (ignored for a guest)
     * @param secret the secret, or null to generate one (ignored for a guest)
     * @param guest whether to create a guest
     * @return the credentials (the only time the secret is shown), or a refusal
     */
    AccountResult createCredentials(String caller, @Nullable String newAccess, @Nullable String secret, boolean guest) {
        if (guest) {
            return createGuest(caller);
        }
        if (newAccess == null && secret != null) {
            return AccountResult.refused(Refusal.INVALID, "a secret can only be given with an access token");
        }
        if (newAccess != null && !Accounts.isValidAccess(newAccess)) {
            return AccountResult.refused(Refusal.INVALID, "invalid access token");
        }
        if (secret != null && !Accounts.isValidSecret(secret)) {
            return AccountResult.refused(Refusal.INVALID, Accounts.SECRET_RULE);
        }
        boolean mayCreate = authority.decide(caller, CREATE_ACCESS, Permissions.ANY).allowed();
        if (newAccess != null) {
            Optional<Credential> existing = accounts.credential(newAccess);
            if (existing.isPresent()) {
                if (!maySetSecret(caller, newAccess)) {
                    // without CreateAccess, the same answer as for a token that does not exist
                    return mayCreate ? exists(newAccess) : forbidden(CREATE_ACCESS);
                }
                String s = secret != null ? secret : SecretHasher.newSecret();
                return accounts.replaceSecret(existing.get(), s, secret == null) ? AccountResult.created(newAccess, s, null)
                        : AccountResult.refused(Refusal.INVALID, "access token " + newAccess + " vanished");
            }
        }
        if (!mayCreate) {
            return forbidden(CREATE_ACCESS);
        }
        String token = newAccess != null ? newAccess : SecretHasher.newAccessToken();
        String s = secret != null ? secret : SecretHasher.newSecret();
        List<Grant> initial = new ArrayList<>();
        synchronized (accounts.grantLock()) {
            if (!authority.isAdministrator(caller)) { // an administrator holds SetSecret on every token already
                Grant control = new Grant(caller, SET_SECRET, token, YES);
                if (!accounts.roomFor(control)) {
                    return AccountResult.refused(Refusal.FORBIDDEN, caller + " holds the most grants allowed");
                }
                initial.add(control);
            }
            Credential c = secret == null ? accounts.hasher().hashGenerated(token, s, false)
                    : accounts.hasher().hash(token, s, false);
            if (!accounts.call(() -> accounts.storage().createAccount(c, initial))) {
                return exists(token);
            }
            authority.changed();
        }
        return AccountResult.created(token, s, null);
    }

    /**
     * A guest: token and secret always generated; its own database created with it (never an existing
     * one adopted), with the quota {@code GuestDatabaseQuota} of its own; the creator gets no right over it.
     */
    private AccountResult createGuest(String caller) {
        if (!authority.decide(caller, CREATE_GUEST, Permissions.ANY).allowed()) {
            return forbidden(CREATE_GUEST);
        }
        String prefix = authority.decide(caller, GUEST_DATABASE_PREFIX, Permissions.ANY).value();
        long quota = authority.decide(caller, GUEST_DATABASE_QUOTA, Permissions.ANY).asLimit();
        for (int attempt = 0; attempt < GUEST_ATTEMPTS; attempt++) {
            String token = SecretHasher.newAccessToken();
            String dbname = prefix + token;
            if (!Names.isDatabase(dbname)) {
                return AccountResult.refused(Refusal.INVALID, "guest database name " + dbname + " is not valid");
            }
            String secret = SecretHasher.newSecret();
            Credential c = accounts.hasher().hashGenerated(token, secret, true);
            List<Grant> grants = List.of(new Grant(token, CREATE_DATABASE, dbname, YES),
                    new Grant(token, READ_DATABASE, dbname, YES), new Grant(token, WRITE_DATABASE, dbname, YES));
            // the account and its new database at once; a name that is taken is never adopted: try another
            if (accounts.call(() -> accounts.storage().createAccount(c, grants, dbname, quota))) {
                authority.changed();
                return AccountResult.created(token, secret, dbname);
            }
        }
        throw new PlasmidException(PlasmidException.Reason.STORAGE, "no free guest token after "
                + GUEST_ATTEMPTS + " attempts");
    }

    /** A token changes its own secret unless denied explicitly; another's only with SetSecret on it. */
    private boolean maySetSecret(String caller, String target) {
        Decision d = authority.decide(caller, SET_SECRET, target);
        return d.allowed() || (caller.equals(target) && d.grant() == null);
    }

    /**
     * {@code GET a/{access}}: the grants a token holds (allowing and denying), to itself or an
     * administrator.
     *
     * @throws PlasmidException {@link PlasmidException.Reason#FORBIDDEN} for anyone else
     */
    List<Grant> grantsVisibleTo(String caller, String target) {
        Names.access(target);
        if (!target.equals(caller) && !authority.isAdministrator(caller)) {
            throw PlasmidException.forbidden(Permissions.ANY, target);
        }
        return authority.grantsOf(target).all();
    }

    /**
     * {@code POST a/{access}}: an administrator grants anything; anyone else only delegates an exact
     * database permission on an exact name that it holds with {@code Yes}, passing on {@code Yes}, to an
     * existing token that has no grant of its own matching it. The delegation is recorded.
     */
    AccountResult grant(String caller, String target, String permission, String resource, @Nullable String value) {
        boolean admin = authority.isAdministrator(caller);
        Grant g;
        try {
            g = Accounts.validGrant(target, permission, resource, value, admin ? null : caller);
        } catch (PlasmidException e) {
            return AccountResult.refused(Refusal.INVALID, e.getMessage());
        }
        synchronized (accounts.grantLock()) {
            if (admin) {
                if (accounts.credential(target).isEmpty()) {
                    return AccountResult.refused(Refusal.INVALID, "no account " + target);
                }
                if (!accounts.roomFor(g)) {
                    return AccountResult.refused(Refusal.INVALID, target + " holds the most grants allowed");
                }
                accounts.store(g);
                return AccountResult.granted(g);
            }
            boolean delegable = Permissions.isDelegable(permission) && !g.isPattern() && g.value().equals(YES)
                    && authority.decide(caller, permission, resource).allowed()
                    && accounts.credential(target).isPresent()
                    && !PermissionMatcher.anyMatches(authority.grantsOf(target), permission, resource);
            if (!delegable) {
                return AccountResult.refused(Refusal.FORBIDDEN, GRANT_REFUSED);
            }
            if (!accounts.roomFor(g)) {
                return AccountResult.refused(Refusal.FORBIDDEN, target + " holds the most grants allowed");
            }
            accounts.store(g);
            return AccountResult.granted(g);
        }
    }

    /**
     * {@code DELETE a/{access}/{permission}/{resource}}: an administrator revokes any grant; a delegator
     * the grants it delegated; a token gives up its own grants that allow, never its own denials or
     * quotas. Revocation cascades to what the holder delegated and no longer holds.
     */
    AccountResult revoke(String caller, String target, String permission, String resource) {
        try {
            Names.access(target);
            Names.permission(permission);
            Names.resource(resource);
        } catch (PlasmidException e) {
            return AccountResult.refused(Refusal.INVALID, e.getMessage());
        }
        synchronized (accounts.grantLock()) {
            Grant g = authority.grantsOf(target).get(permission, resource);
            boolean admin = authority.isAdministrator(caller);
            boolean allowed = admin || (g != null && caller.equals(g.delegator()))
                    || (g != null && caller.equals(target) && !Permissions.isValued(permission)
                            && Permissions.isYes(g.value()));
            if (!allowed) {
                return g == null && caller.equals(target) ? AccountResult.refused(Refusal.NOT_FOUND, "no such grant")
                        : AccountResult.refused(Refusal.FORBIDDEN, REVOKE_REFUSED);
            }
            if (!accounts.remove(target, permission, resource)) {
                return AccountResult.refused(Refusal.NOT_FOUND, "no such grant");
            }
            return AccountResult.granted(new Grant(target, permission, resource, ""));
        }
    }

    private static AccountResult forbidden(String permission) {
        return AccountResult.refused(Refusal.FORBIDDEN, "permission " + permission + " is required");
    }

    private static AccountResult exists(String access) {
        return AccountResult.refused(Refusal.EXISTS, "access token " + access + " already exists");
    }
}
