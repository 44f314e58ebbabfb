package org.plasmid.servlet;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of a {@link PlasmidServlet}: request limits (PROTOCOL.md §6), the cap on held long-polls,
 * the origins allowed by CORS, and the throttling of failed authentication. Immutable; build one with
 * {@link #builder()}, or take {@link #defaults()}.
 *
 * <pre>{@code
 * PlasmidServletOptions options = PlasmidServletOptions.builder()
 *         .maxBodyBytes(4 << 20)
 *         .corsAllowedOrigins(List.of("https://app.example.com"))
 *         .build();
 * }</pre>
 */
public final class PlasmidServletOptions {
    /** Default largest request body: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    /** Default largest single value in a push: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    /** Default deepest nesting of a value: 64. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default most long-polls held at once: 10,000. */
    public static final int DEFAULT_MAX_HELD_POLLS = 10_000;
    /** Deepest nesting that may be configured. */
    public static final int LIMIT_MAX_DEPTH = 1_000;
    /** Default failed authentications allowed per access token and window: 10. */
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS = 10;
    /**
     * Default failed authentications allowed per client address and window: 30 (more than per token,
     * because many clients can share one address behind NAT).
     */
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS = 30;
    /** Default window of the authentication limits: one minute. */
    public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);
    /** Longest window of the authentication limits that may be configured: one day. */
    public static final Duration LIMIT_AUTH_FAILURE_WINDOW = Duration.ofDays(1);

    private static final PlasmidServletOptions DEFAULTS = builder().build();

    private final long maxBodyBytes;
    private final int maxValueBytes;
    private final int maxDepth;
    private final int maxHeldPolls;
    private final List<String> corsAllowedOrigins;
    private final int maxAuthFailuresPerAccess;
    private final int maxAuthFailuresPerAddress;
    private final Duration authFailureWindow;

    private PlasmidServletOptions(Builder b) {
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxValueBytes = b.maxValueBytes;
        this.maxDepth = b.maxDepth;
        this.maxHeldPolls = b.maxHeldPolls;
        this.corsAllowedOrigins = b.corsAllowedOrigins;
        this.maxAuthFailuresPerAccess = b.maxAuthFailuresPerAccess;
        this.maxAuthFailuresPerAddress = b.maxAuthFailuresPerAddress;
        this.authFailureWindow = b.authFailureWindow;
    }

    /**
     * @return the default options: 16 MiB bodies, 1 MiB values, depth 64, 10,000 polls, no CORS, and
     *     at most 10 failed authentications per access token and 30 per client address a minute
     */
    public static PlasmidServletOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the largest accepted request body, in bytes */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** @return the largest accepted value in a push, in UTF-8 bytes */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** @return the deepest accepted nesting of arrays and objects inside one value */
    public int maxDepth() {
        return maxDepth;
    }

    /** @return how many long-poll pulls may be held at once before new ones are answered 503 */
    public int maxHeldPolls() {
        return maxHeldPolls;
    }

    /**
     * @return the origins CORS allows (normalized {@code scheme://host[:port]}, or {@code *} for any);
     *     empty when CORS is off
     */
    public List<String> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /** @return whether CORS is on */
    public boolean corsEnabled() {
        return !corsAllowedOrigins.isEmpty();
    }

    /** @return how many failed authentications an access token may have per window before it must wait */
    public int maxAuthFailuresPerAccess() {
        return maxAuthFailuresPerAccess;
    }

    /** @return how many failed authentications a client address may have per window before it must wait */
    public int maxAuthFailuresPerAddress() {
        return maxAuthFailuresPerAddress;
    }

    /** @return the window of the authentication limits, which is also the longest a block lasts */
    public Duration authFailureWindow() {
        return authFailureWindow;
    }

    @Override
    public String toString() {
        return "PlasmidServletOptions[maxBodyBytes=" + maxBodyBytes + ", maxValueBytes=" + maxValueBytes
                + ", maxDepth=" + maxDepth + ", maxHeldPolls=" + maxHeldPolls + ", corsAllowedOrigins="
                + corsAllowedOrigins + ", maxAuthFailuresPerAccess=" + maxAuthFailuresPerAccess
                + ", maxAuthFailuresPerAddress=" + maxAuthFailuresPerAddress + ", authFailureWindow="
                + authFailureWindow + "]";
    }

    /** Builds {@link PlasmidServletOptions}. Each setter may be called once; unset values keep their default. */
    public static final class Builder {
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxHeldPolls = DEFAULT_MAX_HELD_POLLS;
        private List<String> corsAllowedOrigins = List.of();
        private int maxAuthFailuresPerAccess = DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS;
        private int maxAuthFailuresPerAddress = DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS;
        private Duration authFailureWindow = DEFAULT_AUTH_FAILURE_WINDOW;
        private final List<String> set = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param bytes the largest accepted request body (at least 1); larger bodies are answered 413
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxBodyBytes(long bytes) {
            once("maxBodyBytes");
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * @param bytes the largest accepted value in a push (at least 1); larger values are answered 413
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxValueBytes(int bytes) {
            once("maxValueBytes");
            if (bytes < 1) {
                throw new IllegalArgumentException("maxValueBytes must be at least 1, got " + bytes);
            }
            this.maxValueBytes = bytes;
            return this;
        }

        /**
         * @param depth the deepest accepted nesting inside one value, 1 to {@value #LIMIT_MAX_DEPTH};
         *     deeper values are answered 400
         * @return this builder
         * @throws IllegalArgumentException if {@code depth} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder maxDepth(int depth) {
            once("maxDepth");
            if (depth < 1 || depth > LIMIT_MAX_DEPTH) {
                throw new IllegalArgumentException("maxDepth must be 1-" + LIMIT_MAX_DEPTH + ", got " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /**
         * @param polls how many long-polls may be held at once (at least 1); beyond it the server answers
         *     503 with {@code Retry-After}
         * @return this builder
         * @throws IllegalArgumentException if {@code polls} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxHeldPolls(int polls) {
            once("maxHeldPolls");
            if (polls < 1) {
                throw new IllegalArgumentException("maxHeldPolls must be at least 1, got " + polls);
            }
            this.maxHeldPolls = polls;
            return this;
        }

        /**
         * Turns CORS on for these origins.
         *
         * @param origins origins such as {@code https://app.example.com:8443}, or {@code *} for any
         *     origin; not empty
         * @return this builder
         * @throws IllegalArgumentException if the list is empty or an origin is not
         *     {@code http(s)://host[:port]} or {@code *}
         * @throws IllegalStateException if already set
         */
        public Builder corsAllowedOrigins(Collection<String> origins) {
            once("corsAllowedOrigins");
            Objects.requireNonNull(origins, "origins");
            if (origins.isEmpty()) {
                throw new IllegalArgumentException("corsAllowedOrigins must name at least one origin (or *)");
            }
            List<String> normalized = new ArrayList<>();
            for (String o : origins) {
                normalized.add(normalizeOrigin(o));
            }
            this.corsAllowedOrigins = List.copyOf(normalized);
            return this;
        }

        /**
         * After this many failed authentications of one access token within the window, further attempts
         * for it are answered 429 with {@code Retry-After}, without checking the secret, until the window
         * ends. Addresses the token has authenticated from in the last day are exempt, so that guessing
         * cannot lock out its owner's devices.
         *
         * @param failures at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code failures} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxAuthFailuresPerAccess(int failures) {
            once("maxAuthFailuresPerAccess");
            if (failures < 1) {
                throw new IllegalArgumentException("maxAuthFailuresPerAccess must be at least 1, got " + failures);
            }
            this.maxAuthFailuresPerAccess = failures;
            return this;
        }

        /**
         * After this many failed authentications from one client address (IPv6: one /64) within the
         * window, further attempts from it are answered 429 with {@code Retry-After}, without checking the
         * secret, until the window ends.
         *
         * @param failures at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code failures} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxAuthFailuresPerAddress(int failures) {
            once("maxAuthFailuresPerAddress");
            if (failures < 1) {
                throw new IllegalArgumentException("maxAuthFailuresPerAddress must be at least 1, got " + failures);
            }
            this.maxAuthFailuresPerAddress = failures;
            return this;
        }

        /**
         * @param window the window of the authentication limits, from 1 second to 1 day; it is also the
         *     longest a token or address is made to wait
         * @return this builder
         * @throws IllegalArgumentException if {@code window} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder authFailureWindow(Duration window) {
            once("authFailureWindow");
            Objects.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(LIMIT_AUTH_FAILURE_WINDOW) > 0) {
                throw new IllegalArgumentException("authFailureWindow must be 1 second to 1 day, got " + window);
            }
            this.authFailureWindow = window;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalStateException if {@code maxValueBytes} exceeds {@code maxBodyBytes}
         */
        public PlasmidServletOptions build() {
            if (maxValueBytes > maxBodyBytes) {
                throw new IllegalStateException("maxValueBytes (" + maxValueBytes + ") must not exceed maxBodyBytes ("
                        + maxBodyBytes + ")");
            }
            return new PlasmidServletOptions(this);
        }

        private void once(String name) {
            if (set.contains(name)) {
                throw new IllegalStateException(name + " was already set");
            }
            set.add(name);
        }
    }

    /** Normalizes an origin as browsers send it: lower-case scheme and host, no default port, no path. */
    static String normalizeOrigin(String origin) {
        if (origin == null) {
            throw new IllegalArgumentException("an origin must not be null");
        }
        String o = origin.trim();
        if (o.equals("*")) {
            return o;
        }
        try {
            URI u = new URI(o);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null
                    && u.getRawFragment() == null && u.getRawUserInfo() == null;
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || !bare) {
                throw new IllegalArgumentException("invalid CORS origin '" + origin
                        + "': use scheme://host[:port] with scheme http or https, or *");
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid CORS origin '" + origin + "': " + e.getMessage(), e);
        }
    }
}
