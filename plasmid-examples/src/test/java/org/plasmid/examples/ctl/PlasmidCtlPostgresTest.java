package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.plasmid.core.jdbc.TestPostgres;

/** plasmidctl's admin actions on PostgreSQL ({@code --jdbc-url}), and what it says when it cannot use it. */
class PlasmidCtlPostgresTest {
    private static TestPostgres pg;

    @BeforeAll
    static void schema() throws Exception {
        pg = TestPostgres.freshSchema();
    }

    @AfterAll
    static void drop() throws Exception {
        pg.close();
    }

    private static CtlInProcess.Run ok(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--jdbc-url";
        all[1] = pg.url();
        System.arraycopy(args, 0, all, 2, args.length);
        CtlInProcess.Run r = CtlInProcess.run(all);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void adminActions_workOnPostgres_creatingTheTablesOnFirstUse() {
        assertEquals("Created account test.\n", ok("--set-secret", "test", "secret123").out());
        assertEquals("Granted test: * on * = Yes.\n", ok("--grant-permission", "test", "*", "*").out());
        assertEquals("Yes\n", ok("--check-permission", "test", "ReadDatabase", "notes").out());
        assertTrue(ok("--list-accounts").out().contains("test\n    * on * = Yes"));
        assertEquals("Revoked test: * on * = Yes.\n".replace(" = Yes", ""),
                ok("--revoke-permission", "test", "*", "*").out().replace(" = Yes", ""));
    }

    private static void oneLine(CtlInProcess.Run r, int exit, String starts) {
        assertEquals(exit, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), "one line: " + r);
        assertTrue(r.err().startsWith("plasmidctl: " + starts), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void hubPathAndJdbcUrl_together_areBadUsage() {
        oneLine(CtlInProcess.run("--hub-path", "h", "--jdbc-url", pg.url(), "--list-accounts"), 2,
                "--hub-path and --jdbc-url exclude each other");
    }

    @Test
    void aPasswordInTheUrl_isRefused_soItNeverShowsInTheProcessList() {
        CtlInProcess.Run r = CtlInProcess.run("--jdbc-url", pg.url() + "&password=hunter2", "--list-accounts");
        oneLine(r, 2, "the JDBC URL carries a password");
        assertTrue(r.err().contains("PLASMID_DB_PASSWORD"), r::toString);
        assertFalse(r.err().contains("hunter2"), "the password is not echoed: " + r);
    }

    @Test
    void aUrlThatIsNotPostgres_isBadUsage() {
        oneLine(CtlInProcess.run("--jdbc-url", "jdbc:mysql://localhost/x", "--list-accounts"), 2,
                "'jdbc:mysql://localhost/x' is not a PostgreSQL JDBC URL");
    }

    @Test
    void anUnreachableDatabase_isOneClearLine_exit1() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        oneLine(CtlInProcess.run("--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/test?user=postgres",
                "--list-accounts"), 1, "cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:" + closedPort);
    }

    /**
     * The local PostgreSQL trusts every login, so a refused one comes from a stub that speaks just enough of
     * the protocol: it declines SSL, reads the startup message and answers SQLSTATE 28P01, as PostgreSQL
     * does for a wrong password.
     */
    @Test
    void aRefusedLogin_isOneClearLine_exit1() throws Exception {
        try (ServerSocket stub = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> refuseLogins(stub), "refusing-postgres");
            t.setDaemon(true);
            t.start();
            CtlInProcess.Run r = CtlInProcess.run("--jdbc-url", "jdbc:postgresql://127.0.0.1:" + stub.getLocalPort()
                    + "/test?user=plasmid", "--list-accounts");
            oneLine(r, 1, "PostgreSQL refused the login");
            assertTrue(r.err().contains("SQLSTATE 28P01") && r.err().contains("PLASMID_DB_PASSWORD"), r::toString);
        }
    }

    private static void refuseLogins(ServerSocket stub) {
        while (!stub.isClosed()) {
            try (Socket s = stub.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int length = readInt(in);
                int code = readInt(in);
                in.readNBytes(length - 8);
                if (code == 80877103 || code == 80877104) { // SSLRequest or GSSENCRequest: not here
                    out.write('N');
                    out.flush();
                    length = readInt(in);
                    in.readNBytes(length - 4); // the StartupMessage
                }
                byte[] fields = ("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"plasmid\"\0\0")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(ByteBuffer.allocate(5 + fields.length).put((byte) 'E').putInt(4 + fields.length)
                        .put(fields).array());
                out.flush();
            } catch (IOException e) {
                // the client went away, or the stub is closing
            }
        }
    }

    private static int readInt(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new IOException("short read");
        }
        return ByteBuffer.wrap(b).getInt();
    }
}
