package org.plasmid.examples.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.plasmid.core.Accounts;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.server.RootApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The todo demo ({@code plasmidctl --demo}): the page, its scripts and {@code demo-config.json}, served
 * from the classpath ({@code org/plasmid/examples/demo/web/}) by {@link #servlet()}, as the server's
 * {@linkplain RootApp root application} (at {@code /}, beside the API at {@code /plasmid/*}).
 *
 * <p><b>Security, demo only.</b> A first visitor needs a list of their own without an admin step, so
 * the page creates guest credentials itself through the API ({@code POST a/}, {@code "type": "guest"})
 * with the account {@value #SIGNUP_ACCESS}, whose secret {@code demo-config.json} hands to anyone who
 * loads the page. That account may only create guests ({@code CreateGuest}; each guest gets a new
 * database named {@value #GUEST_PREFIX}{@code <generated token>} with a 1 MiB quota of its own), it gets
 * no right over the guests it creates (PROTOCOL.md §5), and it holds {@code SetSecret = No} on itself,
 * so nobody who reads its secret can change it and lock sign-up for everyone. So while the demo runs,
 * anyone who can reach the page can create guest databases (disk use; the servlet limits guest creation
 * per client address), and whoever has a list's share link (its credentials) can use that list. No admin
 * credential is ever in the page. The secret is new at every start, and {@link #close()} replaces it by
 * an unknown one, so the account is dead once the demo stops. Do not run {@code --demo} on a server that
 * holds real data.
 */
public final class DemoWebApp implements RootApp {
    /** The sign-up account the page uses to create guests. */
    public static final String SIGNUP_ACCESS = "demo-signup";
    /** Prefix of the demo lists' database names. */
    public static final String GUEST_PREFIX = "todo_";

    private static final String RESOURCES = "org/plasmid/examples/demo/web/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "plasmid-client.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8",
            "sw.js", "text/javascript; charset=utf-8");
    private static final Set<String> SIGNUP_GRANTS = Set.of("CreateGuest", "GuestDatabasePrefix", "SetSecret");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(DemoWebApp.class);

    private final Accounts accounts;
    private final Map<String, byte[]> files = new HashMap<>();

    private DemoWebApp(Accounts accounts, String apiPath, String signupSecret) {
        this.accounts = accounts;
        FILES.keySet().forEach(name -> files.put(name, resource(name)));
        files.put("demo-config.json", config(apiPath, signupSecret).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sets up the sign-up account on the hub (with a fresh secret) and loads the page's files.
     *
     * @param hub the hub the demo's lists live in
     * @param apiPath the API base path as the page sees it, for example {@code /plasmid/v1/}
     * @return the demo, ready to serve
     * @throws IllegalStateException if {@value #SIGNUP_ACCESS} exists and holds more than the demo
     *     gives it: its secret is about to be published, so it must be powerless
     */
    public static DemoWebApp setUp(PlasmidHub hub, String apiPath) {
        Accounts accounts = hub.accounts();
        if (accounts.exists(SIGNUP_ACCESS)) {
            for (Grant g : accounts.grants(SIGNUP_ACCESS)) {
                boolean ours = SIGNUP_GRANTS.contains(g.permission());
                if (!ours && accounts.check(SIGNUP_ACCESS, g.permission(), g.resource()).allowed()) {
                    throw new IllegalStateException("account " + SIGNUP_ACCESS + " holds " + g.permission() + " on "
                            + g.resource() + "; --demo publishes that account's secret, so it must hold only "
                            + SIGNUP_GRANTS + ". Revoke the grant or use another hub.");
                }
            }
        }
        String secret = newSecret();
        accounts.setSecret(SIGNUP_ACCESS, secret);
        dropSetSecretGrants(accounts);
        accounts.grant(SIGNUP_ACCESS, "SetSecret", SIGNUP_ACCESS, "No"); // its published secret stays its own
        accounts.grant(SIGNUP_ACCESS, "CreateGuest", "*", "Yes");
        accounts.grant(SIGNUP_ACCESS, "GuestDatabasePrefix", "*", GUEST_PREFIX);
        return new DemoWebApp(accounts, apiPath, secret);
    }

    /** @return the servlet that serves the page; map it at {@code /} (it answers 404 for anything else) */
    @Override
    public HttpServlet servlet() {
        return new Files(files);
    }

    @Override
    public void started(URI root) {
        LOG.info("Demo: open {} in two browsers (for demos only: the page can create guest accounts)", root);
    }

    /** Makes the sign-up account useless: an unknown secret. */
    @Override
    public void close() {
        accounts.setSecret(SIGNUP_ACCESS, newSecret());
    }

    /**
     * Drops the SetSecret grants on guests that earlier versions gave the sign-up account (a creator no
     * longer gets any right over a guest).
     */
    private static void dropSetSecretGrants(Accounts accounts) {
        List<Grant> grants = accounts.grants(SIGNUP_ACCESS);
        grants.stream().filter(g -> g.permission().equals("SetSecret") && !g.resource().equals(SIGNUP_ACCESS))
                .forEach(g -> accounts.revoke(SIGNUP_ACCESS, g.permission(), g.resource()));
    }

    private static String config(String apiPath, String secret) {
        return "{\"api\": \"" + apiPath + "\", \"signup\": {\"access\": \"" + SIGNUP_ACCESS + "\", \"secret\": \""
                + secret + "\"}}\n";
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoWebApp.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("demo file " + RESOURCES + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves the page's files from memory; nothing else. */
    private static final class Files extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final String CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors 'none'";

        private final transient Map<String, byte[]> files;

        Files(Map<String, byte[]> files) {
            this.files = Map.copyOf(files);
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getRequestURI().substring(req.getContextPath().length());
            String name = path.equals("/") ? "index.html" : path.substring(1);
            byte[] body = files.get(name);
            if (body == null) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            resp.setContentType(name.endsWith(".json") ? "application/json; charset=utf-8" : FILES.get(name));
            resp.setHeader("Cache-Control", "no-cache");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setHeader("Referrer-Policy", "no-referrer");
            resp.setHeader("Content-Security-Policy", CSP);
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
