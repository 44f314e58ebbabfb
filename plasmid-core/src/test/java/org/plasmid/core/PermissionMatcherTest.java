package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PermissionMatcherTest {

    /** Grants written as "permission resource value; ..." for the token "u". */
    private static List<Grant> grants(String spec) {
        List<Grant> result = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return result;
        }
        for (String g : spec.split(";")) {
            String[] p = g.trim().split(" ", -1);
            result.add(new Grant("u", p[0], p[1], p.length > 2 ? p[2] : ""));
        }
        return result;
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
        * * Yes                                               | ReadDatabase      | db         | true    | Yes
        * * Yes                                               | SetSecret         | anyone     | true    | Yes
        * * Yes; ReadDatabase db No                           | ReadDatabase      | db         | false   | No
        * * Yes; WriteDatabase db No                          | ReadDatabase      | db         | true    | Yes
        * db No; ReadDatabase db Yes                          | ReadDatabase      | db         | true    | Yes
        * db Yes; ReadDatabase db no                          | ReadDatabase      | db         | false   | no
        * db Yes; ReadDatabase db NO                          | WriteDatabase     | db         | true    | Yes
        ReadDatabase * Yes; * db No                           | ReadDatabase      | db         | false   | No
        ReadDatabase db                                       | ReadDatabase      | db         | false   |
        DatabaseQuota db 5000                                 | DatabaseQuota     | db         | true    | 5000
        * * Yes                                               | DatabaseQuota     | db         | true    | unlimited
        * * Yes                                               | GuestDatabasePrefix | *        | true    | guest_
        GuestDatabasePrefix * g-                              | GuestDatabasePrefix | *        | true    | g-
        ReadDatabase a* Yes; ReadDatabase ab* No; ReadDatabase abc* Yes | ReadDatabase | abcd  | true    | Yes
        ReadDatabase a* Yes; ReadDatabase ab* No; ReadDatabase abc* Yes | ReadDatabase | abd   | false   | No
        """)
    void decide_picksTheMostSpecificGrant_orTheDefault(String spec, String permission, String resource,
            boolean allowed, String value) {
        Decision d = PermissionMatcher.decide(grants(spec), permission, resource);
        assertEquals(allowed, d.allowed(), "allowed");
        assertEquals(value == null ? "" : value, d.value(), "value");
    }

    @Test
    void decisionLimit_readsNumbersUnlimitedAndDenials() {
        assertEquals(5000, new Decision(true, "5000", null).asLimit());
        assertEquals(-1, new Decision(true, "Yes", null).asLimit());
        assertEquals(0, new Decision(false, "No", null).asLimit());
    }

    @Test
    void administrator_isAnAllowingStarStarGrant() {
        assertTrue(PermissionMatcher.isAdministrator(grants("* * Yes")));
        assertFalse(PermissionMatcher.isAdministrator(grants("* * No")));
        assertFalse(PermissionMatcher.isAdministrator(grants("* db Yes; ReadDatabase * Yes")));
    }

    @ParameterizedTest(name = "[{index}] holding {0}, grant {1} {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
        * * Yes                                        | WriteDatabase | *        | true
        WriteDatabase app_* Yes                        | WriteDatabase | app_x    | true
        WriteDatabase app_* Yes                        | WriteDatabase | app_x*   | true
        WriteDatabase app_* Yes                        | WriteDatabase | app_*    | true
        WriteDatabase app_* Yes                        | WriteDatabase | ap*      | false
        WriteDatabase app_* Yes                        | WriteDatabase | *        | false
        WriteDatabase app_* Yes                        | ReadDatabase  | app_x    | false
        WriteDatabase app_* Yes                        | *             | app_x    | false
        WriteDatabase app_* Yes; WriteDatabase app_secret No | WriteDatabase | app_* | false
        WriteDatabase app_* Yes; WriteDatabase app_secret No | WriteDatabase | app_secret | false
        WriteDatabase app_* Yes; WriteDatabase app_secret No | WriteDatabase | app_open | true
        WriteDatabase db Yes                           | WriteDatabase | db       | true
        WriteDatabase db No                            | WriteDatabase | db       | false
        NULL                                           | WriteDatabase | db       | false
        * db Yes                                       | *             | db       | true
        * db Yes                                       | ReadDatabase  | db       | true
        """)
    void covers_allowsGrantingOnlyWhatIsHeldEverywhereInThePattern(String spec, String permission,
            String resource, boolean expected) {
        assertEquals(expected, PermissionMatcher.covers(grants(spec), permission, resource));
    }
}
