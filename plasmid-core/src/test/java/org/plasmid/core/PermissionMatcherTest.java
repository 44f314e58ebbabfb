package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PermissionMatcherTest {

    /** Grants written as "permission resource value; ..." for the token "u". */
    private static GrantSet grants(String spec) {
        List<Grant> result = new ArrayList<>();
        if (spec != null && !spec.isBlank()) {
            for (String g : spec.split(";")) {
                String[] p = g.trim().split(" ", -1);
                result.add(new Grant("u", p[0], p[1], p.length > 2 ? p[2] : ""));
            }
        }
        return new GrantSet(result);
    }

    @ParameterizedTest(name = "[{index}] {0} | ask {1} {2} -> {3} {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
        # grants                                              | permission        | resource   | allowed | value
        NULL                                                  | ReadDatabase      | db         | false   | No
        NULL                                                  | WriteDatabase     | db         | false   | No
        NULL                                                  | CreateDatabase    | db         | false   | No
        NULL                                                  | DatabaseQuota     | db         | true    | unlimited
        NULL                                                  | SetSecret         | u2         | false   | No
        NULL                                                  | CreateAccess      | *          | false   | No
        NULL                                                  | CreateGuest       | *          | false   | No
        NULL                                                  | GuestDatabasePrefix | *        | true    | guest_
        NULL                                                  | GuestDatabaseQuota | *         | true    | 1048576
        NULL                                                  | SomethingElse     | x          | false   | No
        ReadDatabase db Yes                                   | ReadDatabase      | db         | true    | Yes
        ReadDatabase db yes                                   | ReadDatabase      | db         | true    | Yes
        ReadDatabase db YES                                   | ReadDatabase      | db         | true    | Yes
        ReadDatabase db Yes                                   | ReadDatabase      | db2        | false   | No
        ReadDatabase db Yes                                   | WriteDatabase     | db         | false   | No
        ReadDatabase app_* Yes                                | ReadDatabase      | app_1      | true    | Yes
        ReadDatabase app_* Yes                                | ReadDatabase      | app        | false   | No
        ReadDatabase * Yes                                    | ReadDatabase      | anything   | true    | Yes
        ReadDatabase * Yes; ReadDatabase secret No            | ReadDatabase      | secret     | false   | No
        ReadDatabase * Yes; ReadDatabase secret No            | ReadDatabase      | public     | true    | Yes
        ReadDatabase * No; ReadDatabase app_* Yes             | ReadDatabase      | app_x      | true    | Yes
        ReadDatabase app_* Yes; ReadDatabase app_priv* No     | ReadDatabase      | app_private | false  | No
        ReadDatabase app_* Yes; ReadDatabase app_priv* No     | ReadDatabase      | app_public | true    | Yes
        ReadDatabase app_priv* No; ReadDatabase app_private Yes | ReadDatabase    | app_private | true   | Yes
        ReadDatabase a* Yes; ReadDatabase ab* No; ReadDatabase abc* Yes | ReadDatabase | abcd  | true    | Yes
        ReadDatabase a* Yes; ReadDatabase ab* No; ReadDatabase abc* Yes | ReadDatabase | abd   | false   | No
        # values fail closed: only Yes (any case) allows a boolean permission
        ReadDatabase db                                       | ReadDatabase      | db         | false   | No
        ReadDatabase db false                                 | ReadDatabase      | db         | false   | No
        ReadDatabase db true                                  | ReadDatabase      | db         | false   | No
        ReadDatabase db 0                                     | ReadDatabase      | db         | false   | No
        ReadDatabase db Y                                     | ReadDatabase      | db         | false   | No
        ReadDatabase * Yes; ReadDatabase db false             | ReadDatabase      | db         | false   | No
        # the administrator, and * within the database namespace
        * * Yes                                               | ReadDatabase      | db         | true    | Yes
        * * Yes                                               | SetSecret         | anyone     | true    | Yes
        * * Yes                                               | CreateAccess      | *          | true    | Yes
        * * Yes                                               | CreateGuest       | *          | true    | Yes
        * * Yes; ReadDatabase db No                           | ReadDatabase      | db         | false   | No
        * * Yes; WriteDatabase db No                          | ReadDatabase      | db         | true    | Yes
        * * No                                                | SetSecret         | u          | false   | No
        * db No; ReadDatabase db Yes                          | ReadDatabase      | db         | true    | Yes
        * db Yes; ReadDatabase db no                          | ReadDatabase      | db         | false   | No
        * db Yes; ReadDatabase db NO                          | WriteDatabase     | db         | true    | Yes
        ReadDatabase * Yes; * db No                           | ReadDatabase      | db         | false   | No
        * team* Yes                                           | ReadDatabase      | team_x     | true    | Yes
        * team* Yes                                           | CreateDatabase    | team_x     | true    | Yes
        # two namespaces: * on database names gives nothing over accounts or the service
        * team* Yes                                           | SetSecret         | team_admin | false   | No
        * team_admin Yes                                      | SetSecret         | team_admin | false   | No
        * team* Yes                                           | CreateAccess      | *          | false   | No
        SetSecret team* Yes                                   | SetSecret         | team_admin | true    | Yes
        # quotas and prefixes come only from their own grants, with valid values
        DatabaseQuota db 5000                                 | DatabaseQuota     | db         | true    | 5000
        * * Yes                                               | DatabaseQuota     | db         | true    | unlimited
        * db Yes; DatabaseQuota db* 100                       | DatabaseQuota     | db         | true    | 100
        DatabaseQuota db 10KB                                 | DatabaseQuota     | db         | true    | unlimited
        DatabaseQuota db No                                   | DatabaseQuota     | db         | true    | unlimited
        DatabaseQuota db* 100; DatabaseQuota db 10KB          | DatabaseQuota     | db         | true    | 100
        GuestDatabaseQuota * 10                               | GuestDatabaseQuota | *         | true    | 10
        GuestDatabaseQuota * lots                             | GuestDatabaseQuota | *         | true    | 1048576
        * * Yes                                               | GuestDatabaseQuota | *         | true    | 1048576
        * * Yes                                               | GuestDatabasePrefix | *        | true    | guest_
        GuestDatabasePrefix * g-                              | GuestDatabasePrefix | *        | true    | g-
        GuestDatabasePrefix * ../                             | GuestDatabasePrefix | *        | true    | guest_
        """)
    void decide_picksTheMostSpecificGrant_orTheDefault(String spec, String permission, String resource,
            boolean allowed, String value) {
        Decision d = PermissionMatcher.decide(grants(spec), permission, resource);
        assertEquals(allowed, d.allowed(), "allowed");
        assertEquals(value, d.value(), "value");
    }

    @Test
    void aValueWithATrailingSpace_denies() {
        GrantSet g = new GrantSet(List.of(new Grant("u", "ReadDatabase", "db", "Yes "),
                new Grant("u", "WriteDatabase", "db", "No ")));
        assertFalse(PermissionMatcher.decide(g, "ReadDatabase", "db").allowed());
        assertFalse(PermissionMatcher.decide(g, "WriteDatabase", "db").allowed());
    }

    @Test
    void aGrantNotInForce_isPassedOver_forTheNextMostSpecific() {
        GrantSet g = grants("ReadDatabase db Yes; ReadDatabase d* No; ReadDatabase * Yes");
        Decision d = PermissionMatcher.decide(g, "ReadDatabase", "db", x -> !x.resource().equals("db"));
        assertFalse(d.allowed());
        assertEquals("d*", d.grant().resource());
        d = PermissionMatcher.decide(g, "ReadDatabase", "db", x -> x.resource().equals("*"));
        assertTrue(d.allowed());
        assertFalse(PermissionMatcher.decide(g, "ReadDatabase", "db", x -> false).allowed());
    }

    @Test
    void anyMatches_seesDenialsAndStarGrants_notOtherNamespaces() {
        assertTrue(PermissionMatcher.anyMatches(grants("ReadDatabase team_hr No"), "ReadDatabase", "team_hr"));
        assertTrue(PermissionMatcher.anyMatches(grants("* team* No"), "ReadDatabase", "team_hr"));
        assertTrue(PermissionMatcher.anyMatches(grants("ReadDatabase * Yes"), "ReadDatabase", "x"));
        assertFalse(PermissionMatcher.anyMatches(grants("WriteDatabase x Yes"), "ReadDatabase", "x"));
        assertFalse(PermissionMatcher.anyMatches(grants("SetSecret * Yes"), "ReadDatabase", "x"));
        assertFalse(PermissionMatcher.anyMatches(grants(""), "ReadDatabase", "x"));
    }

    @Test
    void decisionLimit_readsNumbersAndNoQuota() {
        assertEquals(5000, new Decision(true, "5000", null).asLimit());
        assertEquals(-1, new Decision(true, "unlimited", null).asLimit());
        assertEquals(-1, new Decision(true, "10KB", null).asLimit());
    }

    @Test
    void administrator_isAnAllowingStarStarGrant() {
        assertTrue(grants("* * Yes").isAdministrator());
        assertTrue(grants("* * yes").isAdministrator());
        assertFalse(grants("* * No").isAdministrator());
        assertFalse(grants("* * true").isAdministrator());
        assertFalse(grants("* db Yes; ReadDatabase * Yes").isAdministrator());
    }
}
