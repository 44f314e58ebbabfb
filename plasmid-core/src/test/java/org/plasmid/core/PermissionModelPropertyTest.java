package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.plasmid.core.AccountResult.Refusal;
import org.plasmid.core.PlasmidException.Reason;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * Seeded model-based test of the permission model (PROTOCOL.md §5): an administrator makes random grants
 * (allow, deny, prefix, {@code *}, quotas, SetSecret) for a few tokens, then non-administrators attempt
 * random delegations and revocations (valid and invalid), interleaved with administrator changes (a new
 * denial for a delegator, a revocation) and real requests (info, push, secret rotation, grant listing).
 *
 * <p>The oracle is written from the specification alone, not from the engine's matcher: it keeps every
 * token's grants with their delegators, replays only the operations the rules of §5 allow, cascades
 * revocations to the delegations a token no longer holds, and decides every (token, permission,
 * resource) by its own reading of the matching rule. After every step the server must agree with it on
 * the outcome of the operation, on every token's grants, on every decision, and an administrator-made
 * denial that decides must never be found lifted.
 *
 * <p>Every failure names its seed, step and operation. {@code -Dplasmid.seed=N} replays one seed,
 * {@code -Dplasmid.seed=random} runs twenty new ones and prints them.
 *
 * <p>A disagreement with the spec outside the permission decisions does not stop the run: it is recorded,
 * the run goes on checking every decision, and the seed fails at the end with a message that starts with
 * {@code DISAGREEMENT}. (Seed 8695897373683366525 found the first: a push that leaves a database above
 * the quota without growing it. §5 was made precise: such a push is accepted.)
 */
class PermissionModelPropertyTest {
    private static final String READ = "ReadDatabase";
    private static final String WRITE = "WriteDatabase";
    private static final String CREATE = "CreateDatabase";
    private static final String QUOTA = "DatabaseQuota";
    private static final String SET_SECRET = "SetSecret";
    private static final String CREATE_ACCESS = "CreateAccess";
    private static final String ANY = "*";

    private static final String ROOT = "root";
    private static final List<String> USERS = List.of("alice", "bob", "carol", "team_admin");
    private static final List<String> TOKENS = List.of(ROOT, "alice", "bob", "carol", "team_admin");
    /** Never created: a target only, to check that a refusal does not tell whether a token exists. */
    private static final String GHOST = "ghost";
    private static final List<String> DATABASES = List.of("team_a", "team_b", "team_p", "team_pay", "team_hr",
            "other");
    private static final List<String> PATTERNS = List.of("team*", "team_p*", "team_pa*", "other*", "*");
    private static final List<String> DB_PERMISSIONS = List.of(READ, WRITE, CREATE);
    private static final List<String> YES = List.of("Yes", "yes", "YES", "yEs");
    private static final List<String> NO = List.of("No", "no", "NO", "nO");
    private static final List<String> INVALID = List.of("false", "true", "0", "No ", " Yes", "", "Y", "allow");
    private static final List<String> QUOTAS = List.of("0", "1", "1000000");
    private static final String STORE = "s";
    private static final JsonValue ONE = JsonValue.parse("1");
    private static final long FAR_AHEAD = 1_000_000_000L;
    private static final int STEPS = 150;

    /**
     * The seeds every run tries. Keep any seed that ever failed: 8695897373683366525 shows the quota
     * disagreement.
     */
    private static final List<Long> FIXED_SEEDS = List.of(1L, 2L, 3L, 4L, 5L, 7L, 11L, 42L, 99L, 2024L, 7919L,
            31337L, 65537L, 104729L, 1299709L, 20261202L, 8675309L, -4962768465676381896L, 8695897373683366525L,
            123456789L);

    /**
     * The fixed seeds; {@code -Dplasmid.seed=N} runs one, {@code -Dplasmid.seed=random} twenty new ones
     * (printed, and named in the test names and in any failure).
     */
    static List<Long> seeds() {
        String asked = System.getProperty("plasmid.seed");
        if (asked == null || asked.isBlank()) {
            return FIXED_SEEDS;
        }
        if (!asked.trim().equals("random")) {
            return List.of(Long.parseLong(asked.trim()));
        }
        long base = System.nanoTime();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seeds.add(base + i * 104729L);
        }
        System.out.println("PermissionModelPropertyTest: random seeds " + seeds);
        return seeds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyDecision_matchesTheSpecsOracle_andNoAdministratorDenialIsEverLifted(long seed) {
        new Run(seed).simulate();
    }

    // ---------------------------------------------------------------- the oracle (from PROTOCOL.md §5 only)

    /** A grant's identity within one token: a token holds at most one grant per (permission, resource). */
    record Key(String permission, String resource) {
        @Override
        public String toString() {
            return "(" + permission + ", " + resource + ")";
        }
    }

    /** A grant's value and who delegated it (null: made by an administrator or the host application). */
    record Held(String value, String delegator) {
    }

    /** The grant that decides, with its holder's key, or null for the default. */
    record Winner(Key key, Held held) {
        boolean allows() {
            return isYes(held.value);
        }
    }

    static boolean isYes(String value) {
        return value.equalsIgnoreCase("Yes");
    }

    static boolean isValued(String permission) {
        return permission.equals(QUOTA);
    }

    static boolean isDatabasePermission(String permission) {
        return DB_PERMISSIONS.contains(permission) || permission.equals(QUOTA);
    }

    /** §5: boolean values are Yes or No in any case and nothing else; quotas a non-negative integer. */
    static boolean validValue(String permission, String value) {
        if (isValued(permission)) {
            return value.matches("[0-9]{1,15}");
        }
        return value.equalsIgnoreCase("Yes") || value.equalsIgnoreCase("No");
    }

    /** The canonical stored form of a valid value (Yes/No capitalised, numbers as given). */
    static String canonical(String value) {
        return isYes(value) ? "Yes" : value.equalsIgnoreCase("No") ? "No" : value;
    }

    /** §5 matching of a resource: equal, {@code *}, or a prefix pattern {@code abc*} it starts with. */
    static boolean resourceMatches(String pattern, String name) {
        if (pattern.equals(name) || pattern.equals(ANY)) {
            return true;
        }
        return pattern.endsWith(ANY) && name.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    /** Exact resource beats the longest prefix, which beats {@code *}. */
    static int resourceSpecificity(String pattern, String name) {
        if (pattern.equals(name)) {
            return Integer.MAX_VALUE / 2;
        }
        if (pattern.equals(ANY)) {
            return 0;
        }
        return pattern.length(); // "abc*": longer prefixes are more specific, and all beat "*"
    }

    static final class Oracle {
        /** Existing tokens and their grants. */
        final Map<String, Map<Key, Held>> grants = new TreeMap<>();
        final Set<String> databases = new TreeSet<>();
        /** Live keys per database (each live key stores STORE + key + "1"). */
        final Map<String, Set<String>> liveKeys = new TreeMap<>();

        Map<Key, Held> of(String access) {
            return grants.getOrDefault(access, Map.of());
        }

        boolean exists(String access) {
            return grants.containsKey(access);
        }

        /** An administrator holds the grant (*, *, Yes). */
        boolean isAdministrator(String access) {
            Held h = of(access).get(new Key(ANY, ANY));
            return h != null && isYes(h.value);
        }

        /** A delegated grant is in force only while its delegator holds that permission on that name. */
        boolean inForce(String holder, Key key, Held held, Set<List<String>> visiting) {
            if (held.delegator == null) {
                return true;
            }
            List<String> id = List.of(holder, key.permission, key.resource);
            if (!visiting.add(id)) {
                return false; // a cycle holds nothing up
            }
            try {
                Winner w = decideDatabase(held.delegator, key.permission, key.resource, visiting);
                return w != null && w.allows();
            } finally {
                visiting.remove(id);
            }
        }

        /** The deciding grant for a database permission (Read, Write, Create) on a database name. */
        Winner decideDatabase(String access, String permission, String name, Set<List<String>> visiting) {
            Winner best = null;
            long bestScore = -1;
            for (Map.Entry<Key, Held> e : of(access).entrySet()) {
                Key k = e.getKey();
                boolean exactPermission = k.permission.equals(permission);
                if (!exactPermission && !k.permission.equals(ANY)) {
                    continue; // * covers database permissions (never quotas: see quota())
                }
                if (!resourceMatches(k.resource, name) || !inForce(access, k, e.getValue(), visiting)) {
                    continue;
                }
                long score = 2L * resourceSpecificity(k.resource, name) + (exactPermission ? 1 : 0);
                if (score > bestScore) {
                    bestScore = score;
                    best = new Winner(k, e.getValue());
                }
            }
            return best;
        }

        Winner decide(String access, String permission, String name) {
            return decideDatabase(access, permission, name, new HashSet<>());
        }

        boolean allowed(String access, String permission, String name) {
            Winner w = decide(access, permission, name);
            return w != null && w.allows();
        }

        /** SetSecret: account namespace; * covers it only in the grant (*, *). */
        Winner decideSetSecret(String access, String target) {
            Winner best = null;
            long bestScore = -1;
            for (Map.Entry<Key, Held> e : of(access).entrySet()) {
                Key k = e.getKey();
                boolean exactPermission = k.permission.equals(SET_SECRET);
                boolean administratorGrant = k.permission.equals(ANY) && k.resource.equals(ANY);
                if (!(exactPermission && resourceMatches(k.resource, target)) && !administratorGrant) {
                    continue;
                }
                long score = 2L * resourceSpecificity(k.resource, target) + (exactPermission ? 1 : 0);
                if (score > bestScore) {
                    bestScore = score;
                    best = new Winner(k, e.getValue());
                }
            }
            return best;
        }

        /** A token's own quota on a database: only explicit DatabaseQuota grants; -1 for none. */
        long ownQuota(String access, String name) {
            long best = -1;
            int bestSpecificity = -1;
            for (Map.Entry<Key, Held> e : of(access).entrySet()) {
                Key k = e.getKey();
                if (k.permission.equals(QUOTA) && resourceMatches(k.resource, name)
                        && resourceSpecificity(k.resource, name) > bestSpecificity) {
                    bestSpecificity = resourceSpecificity(k.resource, name);
                    best = Long.parseLong(e.getValue().value);
                }
            }
            return best;
        }

        /**
         * The quota a push of this token is held to: its own, and, when its WriteDatabase was delegated, the
         * delegator's (along the chain: a quota cannot be laundered through a middleman).
         */
        long pushQuota(String access, String name, int depth) {
            long own = ownQuota(access, name);
            Winner w = decide(access, WRITE, name);
            if (w != null && w.held.delegator != null && depth < 20) {
                long passed = pushQuota(w.held.delegator, name, depth + 1);
                if (passed >= 0 && (own < 0 || passed < own)) {
                    return passed;
                }
            }
            return own;
        }

        /** Any grant of the target that could match (permission, name), allowing or denying. */
        boolean hasMatchingGrant(String access, String permission, String name) {
            for (Key k : of(access).keySet()) {
                if ((k.permission.equals(permission) || k.permission.equals(ANY))
                        && resourceMatches(k.resource, name)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Cascade: revokes, along the chains, every delegated grant whose delegator no longer holds it.
         * Removing a Yes grant never turns a No into a Yes, so repeating until nothing changes is exact.
         */
        void cascade() {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Map.Entry<String, Map<Key, Held>> token : grants.entrySet()) {
                    var it = token.getValue().entrySet().iterator();
                    while (it.hasNext()) {
                        Map.Entry<Key, Held> e = it.next();
                        Held h = e.getValue();
                        if (h.delegator != null && !allowed(h.delegator, e.getKey().permission, e.getKey().resource)) {
                            it.remove();
                            changed = true;
                        }
                    }
                }
            }
        }

        /**
         * An administrator's grant also supersedes the holder's delegated grants it matches: a later
         * denial by an administrator is never overridden by an earlier delegation (PROTOCOL.md §5).
         */
        void put(String access, Key key, Held held) {
            if (held.delegator == null) {
                grants.get(access).entrySet().removeIf(e -> e.getValue().delegator != null
                        && (key.permission.equals(e.getKey().permission) || key.permission.equals(ANY))
                        && resourceMatches(key.resource, e.getKey().resource));
            }
            grants.get(access).put(key, held);
            cascade();
        }

        void remove(String access, Key key) {
            grants.get(access).remove(key);
            cascade();
        }

        /** The same grants as the server lists them, as comparable strings. */
        Set<String> listing(String access) {
            Set<String> out = new TreeSet<>();
            of(access).forEach((k, h) -> out.add(describe(k.permission, k.resource, h.value, h.delegator)));
            return out;
        }

        /** The grants that allow: Yes for a boolean permission, any valid quota. */
        Set<String> allowingListing(String access) {
            Set<String> out = new TreeSet<>();
            of(access).forEach((k, h) -> {
                if (isValued(k.permission) || isYes(h.value)) {
                    out.add(describe(k.permission, k.resource, h.value, h.delegator));
                }
            });
            return out;
        }

        long storedBytes(String database) {
            long sum = 0;
            for (String key : liveKeys.getOrDefault(database, Set.of())) {
                sum += STORE.length() + key.length() + 1;
            }
            return sum;
        }
    }

    static String describe(String permission, String resource, String value, String delegator) {
        return permission + " " + resource + " " + value.toLowerCase()
                + (delegator == null ? "" : " from " + delegator);
    }

    /** What the spec says an operation must answer. */
    enum Expect {
        SUCCESS, FORBIDDEN, INVALID, /** refused, for a reason the spec leaves open */ REFUSED
    }

    // ---------------------------------------------------------------- one seeded run

    private static final class Run {
        final long seed;
        final Random random;
        final Oracle oracle = new Oracle();
        PlasmidHub hub;
        Accounts accounts;
        int step;
        String op = "setup";

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** Disagreements with the spec outside the permission decisions: reported at the end of the run. */
        final List<String> disagreements = new ArrayList<>();

        void disagreement(String what) {
            if (disagreements.size() < 3) {
                disagreements.add(where() + ": " + what);
            }
        }

        String where() {
            return "seed " + seed + " (rerun with -Dplasmid.seed=" + seed + "), step " + step + ", after " + op;
        }

        void simulate() {
            hub = PlasmidHub.builder().storage(MapDbStorage.inMemory(), true).secretHashIterations(1000).build();
            accounts = hub.accounts();
            try {
                setUp();
                verify();
                for (step = 1; step <= STEPS; step++) {
                    int r = random.nextInt(100);
                    if (r < 45) {
                        delegate();
                    } else if (r < 68) {
                        revoke();
                    } else if (r < 78) {
                        administratorGrants();
                    } else if (r < 83) {
                        administratorRevokes();
                    } else if (r < 90) {
                        administratorSession();
                    } else if (r < 95) {
                        rotateSecret();
                    } else {
                        listGrants();
                    }
                    probeInfo();
                    probePush();
                    verify();
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(where() + ": " + e.getMessage() + "\n  oracle grants: " + oracle.grants
                        + (disagreements.isEmpty() ? "" : "\n  earlier: " + String.join("\n  ", disagreements)), e);
            } finally {
                hub.close();
            }
            assertTrue(disagreements.isEmpty(), "DISAGREEMENT with PROTOCOL.md (every permission decision agreed):\n  "
                    + String.join("\n  ", disagreements));
        }

        <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        String yesOrNo(int yesPercent) {
            return random.nextInt(100) < yesPercent ? pick(YES) : pick(NO);
        }

        String anyDatabaseResource() {
            return random.nextInt(100) < 55 ? pick(DATABASES) : pick(PATTERNS);
        }

        // ------------------------------------------------------------ phase 1: administrator-made grants

        void setUp() {
            for (String t : TOKENS) {
                accounts.setSecret(t, "secret-" + t);
                oracle.grants.put(t, new TreeMap<>(Comparator.comparing(Key::permission)
                        .thenComparing(Key::resource)));
            }
            trustedGrant(ROOT, ANY, ANY, "Yes");
            for (String db : List.of("team_a", "other")) {
                hub.createDatabase(db);
                oracle.databases.add(db);
            }
            for (String u : USERS) {
                int n = 1 + random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    step = 0;
                    op = "setup grant to " + u;
                    String[] g = randomAdministratorGrant();
                    trustedGrant(u, g[0], g[1], g[2]);
                }
            }
        }

        /** A random grant as an administrator would make it: allow, deny, prefix, *, quota, SetSecret. */
        String[] randomAdministratorGrant() {
            int kind = random.nextInt(100);
            String permission;
            String resource;
            String value;
            if (kind < 72) {
                permission = random.nextInt(5) == 0 ? ANY : pick(DB_PERMISSIONS);
                resource = anyDatabaseResource();
                if (permission.equals(ANY) && resource.equals(ANY) && random.nextInt(4) != 0) {
                    resource = pick(DATABASES); // (*, *) makes an administrator: keep it rare
                }
                value = yesOrNo(65);
            } else if (kind < 82) {
                permission = SET_SECRET;
                resource = random.nextInt(3) == 0 ? pick(List.of("team*", ANY)) : pick(TOKENS);
                value = yesOrNo(50);
            } else if (kind < 94) {
                permission = QUOTA;
                resource = anyDatabaseResource();
                value = pick(QUOTAS);
            } else {
                permission = pick(DB_PERMISSIONS);
                resource = anyDatabaseResource();
                value = pick(INVALID);
            }
            return new String[] {permission, resource, value};
        }

        /** The trusted API: any valid grant is stored (replacing one of the same key) and cascades. */
        void trustedGrant(String access, String permission, String resource, String value) {
            if (!validValue(permission, value)) {
                PlasmidException e = expectThrows(() -> accounts.grant(access, permission, resource, value));
                assertEquals(Reason.INVALID, e.reason(), "an invalid value " + quote(value) + " is refused as invalid");
                return;
            }
            Grant stored = accounts.grant(access, permission, resource, value);
            assertEquals(new Grant(access, permission, resource, canonical(value), null), stored,
                    "the trusted grant is stored as made by an administrator, in canonical form");
            oracle.put(access, new Key(permission, resource), new Held(canonical(value), null));
        }

        PlasmidException expectThrows(Runnable r) {
            try {
                r.run();
            } catch (PlasmidException e) {
                return e;
            }
            throw new AssertionError("expected a PlasmidException");
        }

        static String quote(String s) {
            return "\"" + s + "\"";
        }

        // ------------------------------------------------------------ phase 2: operations

        /**
         * A token other than root (so a non-administrator, unless phase 1 made it one) tries to delegate
         * something, valid or not: what it holds or not, patterns, {@code *}, SetSecret, quotas, No values,
         * invalid values, to itself, to the missing token, to tokens with or without a matching grant.
         */
        void delegate() {
            // a quota-bound writer passes WriteDatabase on (and its quota with it, along the chain)
            List<String[]> boundWriters = new ArrayList<>();
            for (String u : USERS) {
                for (String db : DATABASES) {
                    if (oracle.allowed(u, WRITE, db) && oracle.pushQuota(u, db, 0) >= 0) {
                        boundWriters.add(new String[] {u, db});
                    }
                }
            }
            List<String[]> inherited = boundWriters.stream().filter(w -> oracle.ownQuota(w[0], w[1]) < 0).toList();
            String[] bound = boundWriters.isEmpty() || random.nextInt(100) >= 30 ? null
                    : !inherited.isEmpty() && random.nextBoolean() ? pick(inherited) : pick(boundWriters);
            String actor = bound != null ? bound[0] : pick(USERS);
            int kind = random.nextInt(100);
            String permission;
            String resource;
            if (bound != null) {
                permission = WRITE;
                resource = bound[1];
            } else if (kind < 85) {
                List<String[]> held = new ArrayList<>();
                for (String p : DB_PERMISSIONS) {
                    for (String db : DATABASES) {
                        if (oracle.allowed(actor, p, db)) {
                            held.add(new String[] {p, db});
                        }
                    }
                }
                if (!held.isEmpty() && random.nextInt(100) < 80) {
                    String[] h = pick(held);
                    permission = h[0];
                    resource = h[1];
                } else {
                    permission = pick(DB_PERMISSIONS);
                    resource = random.nextInt(100) < 85 ? pick(DATABASES) : pick(PATTERNS);
                }
            } else {
                permission = pick(List.of(ANY, SET_SECRET, QUOTA, CREATE_ACCESS));
                resource = switch (permission) {
                    case SET_SECRET -> pick(TOKENS);
                    case CREATE_ACCESS -> ANY;
                    case QUOTA -> pick(DATABASES);
                    default -> anyDatabaseResource();
                };
            }
            String target;
            List<String> open = new ArrayList<>();
            for (String t : TOKENS) {
                if (!t.equals(actor) && !oracle.hasMatchingGrant(t, permission, resource)) {
                    open.add(t);
                }
            }
            int t = random.nextInt(100);
            if (!open.isEmpty() && t < 70) {
                target = pick(open);
            } else if (t < 77) {
                target = GHOST;
            } else if (t < 84) {
                target = actor;
            } else {
                target = pick(TOKENS);
            }
            String value;
            int v = random.nextInt(100);
            if (isValued(permission)) {
                value = v < 70 ? pick(QUOTAS) : pick(YES);
            } else if (v < 80) {
                value = pick(YES);
            } else if (v < 91) {
                value = pick(NO);
            } else {
                value = pick(INVALID);
            }
            sessionGrant(actor, target, permission, resource, value);
        }

        /** The server's grant through a session, against the oracle's reading of §5 POST a/{access}. */
        void sessionGrant(String actor, String target, String permission, String resource, String value) {
            op = actor + " grants " + target + " (" + permission + ", " + resource + ", " + quote(value) + ")";
            Expect expect;
            Held result = null;
            if (!validValue(permission, value)) {
                expect = Expect.INVALID;
            } else if (oracle.isAdministrator(actor)) {
                if (oracle.exists(target)) {
                    expect = Expect.SUCCESS;
                    result = new Held(canonical(value), null); // an administrator's grant is not a delegation
                } else {
                    expect = Expect.REFUSED;
                }
            } else if (!DB_PERMISSIONS.contains(permission) || resource.endsWith(ANY) || !isYes(value)
                    || !oracle.allowed(actor, permission, resource) || !oracle.exists(target)
                    || oracle.hasMatchingGrant(target, permission, resource)) {
                expect = Expect.FORBIDDEN;
            } else {
                expect = Expect.SUCCESS;
                result = new Held("Yes", actor);
            }
            AccountResult got = hub.session(actor).grant(target, permission, resource, value);
            checkResult(expect, got);
            if (expect == Expect.FORBIDDEN) {
                assertEquals("Must have a permission to grant it.", got.message(),
                        "§5's refusal, the same whether or not the target exists");
            }
            if (expect == Expect.SUCCESS) {
                assertEquals(new Grant(target, permission, resource, result.value, result.delegator), got.grant(),
                        "the grant made, with its delegator recorded");
                oracle.put(target, new Key(permission, resource), result);
            }
            assertFalse(accounts.exists(GHOST), "a grant never creates an account");
        }

        /** A random token tries to revoke a grant: its own, one it delegated, someone else's, or none. */
        void revoke() {
            String actor = random.nextInt(100) < 90 ? pick(USERS) : ROOT;
            String target;
            Key key;
            int r = random.nextInt(100);
            List<String[]> all = new ArrayList<>();
            oracle.grants.forEach((t, g) -> g.keySet().forEach(
                    k -> all.add(new String[] {t, k.permission, k.resource})));
            List<String[]> own = all.stream().filter(a -> a[0].equals(actor)).toList();
            List<String[]> delegatedByActor = new ArrayList<>();
            oracle.grants.forEach((t, g) -> g.forEach((k, h) -> {
                if (actor.equals(h.delegator)) {
                    delegatedByActor.add(new String[] {t, k.permission, k.resource});
                }
            }));
            String[] chosen;
            if (r < 20 && !delegatedByActor.isEmpty()) {
                chosen = pick(delegatedByActor);
            } else if (r < 50 && !own.isEmpty()) {
                chosen = pick(own);
            } else if (r < 88) {
                chosen = pick(all);
            } else {
                chosen = new String[] {pick(List.of("alice", "bob", "carol", GHOST)), pick(DB_PERMISSIONS),
                        pick(DATABASES)};
            }
            if (chosen[0].equals(ROOT) && chosen[1].equals(ANY) && chosen[2].equals(ANY)) {
                chosen = new String[] {ROOT, READ, "team_a"}; // keep one administrator for the whole run
            }
            target = chosen[0];
            key = new Key(chosen[1], chosen[2]);
            sessionRevoke(actor, target, key);
        }

        /** The server's revocation through a session, against §5 DELETE a/{access}/{permission}/{resource}. */
        void sessionRevoke(String actor, String target, Key key) {
            op = actor + " revokes " + target + "'s " + key;
            Held held = oracle.of(target).get(key);
            Expect expect;
            if (oracle.isAdministrator(actor)) {
                expect = held != null ? Expect.SUCCESS : Expect.REFUSED;
            } else if (held != null && actor.equals(held.delegator)) {
                expect = Expect.SUCCESS; // a delegator revokes what it delegated
            } else if (held != null && actor.equals(target) && !isValued(key.permission) && isYes(held.value)) {
                expect = Expect.SUCCESS; // a token gives up its own allowing grant
            } else if (held == null && actor.equals(target)) {
                expect = Expect.REFUSED; // nothing of its own to give up (forbidden or not found)
            } else {
                expect = Expect.FORBIDDEN;
            }
            AccountResult got = hub.session(actor).revoke(target, key.permission, key.resource);
            checkResult(expect, got);
            if (expect == Expect.SUCCESS) {
                oracle.remove(target, key);
            }
        }

        void checkResult(Expect expect, AccountResult got) {
            switch (expect) {
                case SUCCESS -> assertTrue(got.succeeded(), "the spec allows it, the server refused: " + got);
                case FORBIDDEN -> assertEquals(Refusal.FORBIDDEN, got.refusal(),
                        "the spec forbids it (reason forbidden), the server answered: " + got);
                case INVALID -> assertEquals(Refusal.INVALID, got.refusal(),
                        "an invalid value is refused as invalid, the server answered: " + got);
                case REFUSED -> assertFalse(got.succeeded(), "the spec refuses it, the server did it: " + got);
                default -> fail();
            }
        }

        /** The administrator (trusted API) changes a grant, most often a new denial for a delegator. */
        void administratorGrants() {
            Set<String> delegators = new TreeSet<>();
            oracle.grants.values().forEach(g -> g.values().forEach(h -> {
                if (h.delegator != null) {
                    delegators.add(h.delegator);
                }
            }));
            String access;
            String[] g;
            int r = random.nextInt(100);
            if (!delegators.isEmpty() && r < 25) {
                administratorReplacesADelegation();
                return;
            }
            if (!delegators.isEmpty() && r < 70) {
                access = pick(new ArrayList<>(delegators));
                // deny it something it delegated, exactly, by prefix, or through *
                List<Key> delegated = new ArrayList<>();
                oracle.grants.values().forEach(m -> m.forEach((k, h) -> {
                    if (access.equals(h.delegator)) {
                        delegated.add(k);
                    }
                }));
                Key k = pick(delegated);
                String resource = random.nextBoolean() ? k.resource : pick(PATTERNS.subList(0, 3));
                String permission = random.nextInt(4) == 0 ? ANY : k.permission;
                if (permission.equals(ANY) && resource.equals(ANY)) {
                    resource = k.resource;
                }
                g = new String[] {permission, resource, pick(NO)};
            } else {
                access = pick(USERS);
                g = randomAdministratorGrant();
            }
            op = "administrator grants " + access + " (" + g[0] + ", " + g[1] + ", " + quote(g[2]) + ")";
            trustedGrant(access, g[0], g[1], g[2]);
        }

        /**
         * The administrator replaces a delegated grant with one of its own (mostly a denial): the former
         * delegator may no longer revoke it, and its holder may give it up only if it allows.
         */
        void administratorReplacesADelegation() {
            List<String[]> delegated = new ArrayList<>();
            oracle.grants.forEach((t, g) -> g.forEach((k, h) -> {
                if (h.delegator != null) {
                    delegated.add(new String[] {t, k.permission, k.resource, h.delegator});
                }
            }));
            String[] d = pick(delegated);
            String value = random.nextInt(100) < 70 ? pick(NO) : pick(YES);
            op = "administrator replaces " + d[0] + "'s (" + d[1] + ", " + d[2] + ") from " + d[3] + " with "
                    + quote(value);
            trustedGrant(d[0], d[1], d[2], value);
            sessionRevoke(d[3], d[0], new Key(d[1], d[2]));
            if (random.nextBoolean()) {
                sessionRevoke(d[0], d[0], new Key(d[1], d[2]));
            }
        }

        /** The administrator (trusted API) revokes a grant, which cascades. */
        void administratorRevokes() {
            List<String[]> all = new ArrayList<>();
            oracle.grants.forEach((t, g) -> {
                if (!t.equals(ROOT)) {
                    g.keySet().forEach(k -> all.add(new String[] {t, k.permission, k.resource}));
                }
            });
            String[] c = all.isEmpty() || random.nextInt(10) == 0
                    ? new String[] {pick(USERS), pick(DB_PERMISSIONS), pick(DATABASES)} : pick(all);
            Key key = new Key(c[1], c[2]);
            op = "administrator revokes " + c[0] + "'s " + key;
            boolean expected = oracle.of(c[0]).containsKey(key);
            assertEquals(expected, accounts.revoke(c[0], key.permission, key.resource),
                    "whether there was such a grant");
            if (expected) {
                oracle.remove(c[0], key);
            }
        }

        /** The administrator through a session: grants anything (as admin-made), revokes anything. */
        void administratorSession() {
            if (random.nextBoolean()) {
                String target = random.nextInt(10) == 0 ? GHOST : pick(USERS);
                String[] g = randomAdministratorGrant();
                sessionGrant(ROOT, target, g[0], g[1], g[2]);
            } else {
                List<String[]> all = new ArrayList<>();
                oracle.grants.forEach((t, g) -> {
                    if (!t.equals(ROOT)) {
                        g.keySet().forEach(k -> all.add(new String[] {t, k.permission, k.resource}));
                    }
                });
                String[] c = all.isEmpty() ? new String[] {"alice", READ, "team_a"} : pick(all);
                sessionRevoke(ROOT, c[0], new Key(c[1], c[2]));
            }
        }

        /** A token tries to change another token's secret (or its own): SetSecret, account namespace. */
        void rotateSecret() {
            String actor = pick(USERS);
            String target = random.nextInt(4) == 0 ? actor : pick(TOKENS);
            op = actor + " sets the secret of " + target;
            Boolean expected;
            if (oracle.isAdministrator(actor)) {
                // an administrator holds every permission; a more specific SetSecret of its own is left open
                Winner w = oracle.decideSetSecret(actor, target);
                expected = w.key.equals(new Key(ANY, ANY)) ? Boolean.TRUE : null;
            } else if (actor.equals(target)) {
                // its own, unless an explicit SetSecret = No on itself; a (*, *) No alone is left open
                Winner w = oracle.decideSetSecret(actor, target);
                expected = w == null || w.allows() ? Boolean.TRUE
                        : w.key.permission.equals(SET_SECRET) ? Boolean.FALSE : null;
            } else {
                Winner w = oracle.decideSetSecret(actor, target);
                expected = w != null && w.allows();
            }
            String secret = "rotated-" + step;
            AccountResult got = hub.session(actor).createCredentials(target, secret, false);
            if (expected == null) {
                return;
            }
            if (expected) {
                assertTrue(got.succeeded(), "a holder of SetSecret changes the secret: " + got);
                accounts.setSecret(target, "secret-" + target);
            } else {
                assertFalse(got.succeeded(), "no caller takes over another token: " + got);
                if (!actor.equals(target) && !oracle.isAdministrator(actor)) {
                    assertEquals(Refusal.FORBIDDEN, got.refusal(),
                            "without CreateAccess: forbidden whether or not the token exists");
                }
                assertFalse(hub.authenticate(target, secret).isPresent(), "the secret did not change");
            }
        }

        /** GET a/{access}: only the token itself or an administrator may list a token's grants. */
        void listGrants() {
            String actor = pick(TOKENS);
            String target = pick(TOKENS);
            op = actor + " lists the grants of " + target;
            boolean may = actor.equals(target) || oracle.isAdministrator(actor);
            try {
                List<Grant> listed = hub.session(actor).grants(target);
                assertTrue(may, "only the token itself or an administrator may list its grants");
                Set<String> got = new TreeSet<>();
                listed.forEach(g -> got.add(describe(g.permission(), g.resource(), g.value(), g.delegator())));
                assertTrue(oracle.listing(target).containsAll(got), "the listing shows only grants held: " + got);
                // §5 lists "the grants held"; the server lists the allowing ones (denials are left out)
                assertTrue(got.containsAll(oracle.allowingListing(target)), "every allowing grant is listed: " + got);
            } catch (PlasmidException e) {
                assertFalse(may, "the token itself or an administrator may list: " + e);
                assertEquals(Reason.FORBIDDEN, e.reason());
            }
        }

        // ------------------------------------------------------------ real requests

        /** GET d/{db}: 403 without ReadDatabase, 404 when missing and not creatable, else created. */
        void probeInfo() {
            String actor = pick(TOKENS);
            String db = pick(DATABASES);
            String before = op;
            op = before + "; then " + actor + " reads info of " + db;
            boolean read = oracle.allowed(actor, READ, db);
            boolean exists = oracle.databases.contains(db);
            boolean create = oracle.allowed(actor, CREATE, db);
            assertEquals(read, hub.session(actor).check(READ, db).allowed(), "the session's own ReadDatabase check");
            try {
                DatabaseInfo info = hub.session(actor).info(db);
                assertTrue(read, "info without ReadDatabase");
                assertTrue(exists || create, "a missing database opened without CreateDatabase");
                assertEquals(db, info.name());
                oracle.databases.add(db);
            } catch (PlasmidException e) {
                if (!read) {
                    assertEquals(Reason.FORBIDDEN, e.reason(), "no ReadDatabase: forbidden: " + e);
                } else if (!exists && !create) {
                    assertEquals(Reason.NOT_FOUND, e.reason(), "missing and not creatable: not found: " + e);
                } else {
                    throw new AssertionError("the spec lets " + actor + " read " + db + ", the server refused", e);
                }
            }
            assertEquals(oracle.databases.contains(db), hub.find(db).isPresent(), "whether " + db + " exists");
            op = before;
        }

        /** POST d/{db}/update: 403 without WriteDatabase, 404 when missing and not creatable, quota. */
        void probePush() {
            String actor = pick(TOKENS);
            String db = pick(DATABASES);
            List<String[]> delegatedWrites = new ArrayList<>();
            oracle.grants.forEach((t, g) -> g.forEach((k, h) -> {
                if (h.delegator != null && k.permission.equals(WRITE)) {
                    delegatedWrites.add(new String[] {t, k.resource});
                }
            }));
            List<String[]> chained = delegatedWrites.stream().filter(w -> {
                Held h = oracle.of(w[0]).get(new Key(WRITE, w[1]));
                Held up = oracle.of(h.delegator).get(new Key(WRITE, w[1]));
                return up != null && up.delegator != null;
            }).toList();
            if (!delegatedWrites.isEmpty() && random.nextInt(100) < 40) {
                // a delegated write carries the delegator's quota, along the chain
                String[] w = pick(!chained.isEmpty() && random.nextInt(100) < 70 ? chained : delegatedWrites);
                actor = w[0];
                db = w[1];
            }
            String before = op;
            op = before + "; then " + actor + " pushes to " + db;
            boolean write = oracle.allowed(actor, WRITE, db);
            boolean exists = oracle.databases.contains(db);
            boolean create = oracle.allowed(actor, CREATE, db);
            String key = "k_" + actor;
            long quota = oracle.pushQuota(actor, db, 0);
            Set<String> live = oracle.liveKeys.computeIfAbsent(db, d -> new TreeSet<>());
            long after = oracle.storedBytes(db) + (live.contains(key) ? 0 : STORE.length() + key.length() + 1);
            try {
                PushResult r = hub.session(actor).push(db, FAR_AHEAD, List.of(Change.put(STORE, key, ONE)), null);
                assertTrue(write, "a push without WriteDatabase");
                assertTrue(exists || create, "a missing database pushed to without CreateDatabase");
                oracle.databases.add(db);
                long storedBefore = oracle.storedBytes(db);
                // §5: refused if it would grow the stored bytes beyond the quota; a push that does not grow
                // them passes even above the quota (so a client can always delete its way back under it)
                if (quota >= 0 && after > quota && after > storedBefore) {
                    assertEquals(PushResult.Status.QUOTA_EXCEEDED, r.status(),
                            "stored bytes after the push (" + after + ") exceed the quota " + quota);
                } else {
                    assertEquals(PushResult.Status.ACCEPTED, r.status(),
                            "within the quota " + (quota < 0 ? "(none)" : quota) + ": " + after + " bytes");
                    live.add(key);
                }
            } catch (PlasmidException e) {
                if (!write) {
                    assertEquals(Reason.FORBIDDEN, e.reason(), "no WriteDatabase: forbidden: " + e);
                } else if (!exists && !create) {
                    assertEquals(Reason.NOT_FOUND, e.reason(), "missing and not creatable: not found: " + e);
                } else {
                    throw new AssertionError("the spec lets " + actor + " push to " + db + ", the server refused", e);
                }
            }
            assertEquals(oracle.databases.contains(db), hub.find(db).isPresent(), "whether " + db + " exists");
            if (oracle.databases.contains(db)) {
                assertEquals(oracle.storedBytes(db), hub.find(db).get().storedBytes(), "stored bytes of " + db);
            }
            op = before;
        }

        // ------------------------------------------------------------ the comparison, after every step

        void verify() {
            for (String t : TOKENS) {
                Set<String> got = new TreeSet<>();
                accounts.grants(t).forEach(
                        g -> got.add(describe(g.permission(), g.resource(), g.value(), g.delegator())));
                assertEquals(oracle.listing(t), got, "the grants of " + t + " (with delegators, after cascades)");
            }
            assertFalse(accounts.exists(GHOST), "no operation creates an account");
            // sanity of the oracle itself: after a cascade every delegation is in force
            oracle.grants.forEach((t, g) -> g.forEach((k, h) -> assertTrue(
                    oracle.inForce(t, k, h, new HashSet<>()), "oracle: a delegation not in force survived")));
            for (String t : TOKENS) {
                for (String p : DB_PERMISSIONS) {
                    for (String db : DATABASES) {
                        Winner w = oracle.decide(t, p, db);
                        Decision d = accounts.check(t, p, db);
                        String what = "(" + t + ", " + p + ", " + db + ")";
                        if (w != null && w.held.delegator == null && !w.allows()) {
                            assertFalse(d.allowed(), "ADMINISTRATOR DENIAL LIFTED: " + what + " is denied by the"
                                    + " administrator-made " + w.key + " No, which decides, yet the server allows: "
                                    + d);
                        }
                        boolean expected = w != null && w.allows();
                        assertEquals(expected, d.allowed(), "decision " + what + ": oracle's deciding grant "
                                + (w == null ? "none (default No)" : w.key + " " + w.held) + ", server: " + d);
                        String expectedGrant = w == null ? null : w.key.permission + " " + w.key.resource;
                        String gotGrant = d.grant() == null ? null
                                : d.grant().permission() + " " + d.grant().resource();
                        assertEquals(expectedGrant, gotGrant, "deciding grant of " + what);
                    }
                }
                for (String target : TOKENS) {
                    Winner w = oracle.decideSetSecret(t, target);
                    assertEquals(w != null && w.allows(), accounts.check(t, SET_SECRET, target).allowed(),
                            "decision (" + t + ", SetSecret, " + target + "): oracle's deciding grant "
                                    + (w == null ? "none" : w.key + " " + w.held));
                }
                for (String db : DATABASES) {
                    Decision q = accounts.check(t, QUOTA, db);
                    assertNotNull(q.value());
                    assertEquals(oracle.ownQuota(t, db), q.asLimit(),
                            "own quota (" + t + ", DatabaseQuota, " + db + "): only explicit quota grants set it");
                }
            }
        }
    }
}
