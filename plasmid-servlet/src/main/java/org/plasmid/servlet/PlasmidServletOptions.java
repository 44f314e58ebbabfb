package org.plasmid.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The settings of a {@link PlasmidServlet}: request limits (PROTOCOL.md §6), the cap on held long-polls,
 * the origins allowed by CORS, and the throttling of failed authentication. Immutable; build one with
 * {@link #builder()}, or take {@link #defaults()}. A servlet declared in web.xml reads the same settings
 * from its init-params, named in the {@link PlasmidServlet} javadoc.
 *
 * <pre>{@code
 * PlasmidServletOptions options = PlasmidServletOptions.builder()
 *         .maxBodyBytes(4 << 20)
 *         .corsAllowedOrigins(List.of("https://app.example.com"))
 *         .build();
 * }</pre>
 */
public final class PlasmidServletOptions {
    // Each option is declared once, below: its default (a public constant, so that javadoc can quote it)
    // beside its row: name, init-param, range and what it is. The builder checks values against the row,
    // InitParams reads init-params through it, toString lists it. Add a row to ALL, a setter, a getter.

    /** Default of {@link Builder#maxBodyBytes}: {@value} bytes (16 MiB). */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    static final Option<Long> MAX_BODY_BYTES = Option.longInteger("maxBodyBytes", "max-body-bytes",
            DEFAULT_MAX_BODY_BYTES, 1, Long.MAX_VALUE, "the largest request body in bytes; larger ones are 413");

    /** Default of {@link Builder#maxValueBytes}: {@value} bytes (1 MiB). */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    static final Option<Integer> MAX_VALUE_BYTES = Option.integer("maxValueBytes", "max-value-bytes",
            DEFAULT_MAX_VALUE_BYTES, 1, Integer.MAX_VALUE, "the largest value in a push in bytes; larger ones are 413");

    /** Default of {@link Builder#maxObjectsPerPush}: {@value}. */
    public static final int DEFAULT_MAX_OBJECTS_PER_PUSH = 100_000;
    static final Option<Integer> MAX_OBJECTS_PER_PUSH = Option.integer("maxObjectsPerPush", "max-objects-per-push",
            DEFAULT_MAX_OBJECTS_PER_PUSH, 1, Integer.MAX_VALUE, "the most objects in one push; more are 413");

    /** Default of {@link Builder#minBodyBytesPerSecond}: {@value} bytes per second. */
    public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
    static final Option<Integer> MIN_BODY_BYTES_PER_SECOND = Option.integer("minBodyBytesPerSecond",
            "min-body-bytes-per-second", DEFAULT_MIN_BODY_BYTES_PER_SECOND, 0, Integer.MAX_VALUE,
            "the slowest average rate a request body may arrive at after the grace period (0: any); slower is 408");

    /** Default of {@link Builder#bodyRateGracePeriod}, in seconds: {@value}. */
    public static final int DEFAULT_BODY_RATE_GRACE_SECONDS = 10;
    static final Option<Duration> BODY_RATE_GRACE_PERIOD = Option.seconds("bodyRateGracePeriod",
            "body-rate-grace-seconds", Duration.ofSeconds(DEFAULT_BODY_RATE_GRACE_SECONDS), Duration.ofSeconds(1),
            Duration.ofHours(1), "how long a request body may arrive at any rate, in seconds");

    /** Default of {@link Builder#bodyDeadline}, in seconds: {@value}. */
    public static final int DEFAULT_BODY_DEADLINE_SECONDS = 120;
    static final Option<Duration> BODY_DEADLINE = Option.seconds("bodyDeadline", "body-deadline-seconds",
            Duration.ofSeconds(DEFAULT_BODY_DEADLINE_SECONDS), Duration.ofSeconds(1), Duration.ofDays(1),
            "the longest a request body may take to arrive, in seconds; longer is 408");

    /** Default of {@link Builder#maxDepth}: {@value}. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Deepest nesting that may be configured. */
    public static final int LIMIT_MAX_DEPTH = 1_000;
    static final Option<Integer> MAX_DEPTH = Option.integer("maxDepth", "max-depth",
            DEFAULT_MAX_DEPTH, 1, LIMIT_MAX_DEPTH, "the deepest nesting inside one value; deeper ones are 400");

    /** Default of {@link Builder#maxHeldPolls}: {@value}. */
    public static final int DEFAULT_MAX_HELD_POLLS = 10_000;
    static final Option<Integer> MAX_HELD_POLLS = Option.integer("maxHeldPolls", "max-held-polls",
            DEFAULT_MAX_HELD_POLLS, 1, Integer.MAX_VALUE, "the most long-polls held at once; more are 503");

    /** Default of {@link Builder#maxHeldPollsPerAccess}: {@value}. */
    public static final int DEFAULT_MAX_HELD_POLLS_PER_ACCESS = 100;
    static final Option<Integer> MAX_HELD_POLLS_PER_ACCESS = Option.integer("maxHeldPollsPerAccess",
            "max-held-polls-per-access", DEFAULT_MAX_HELD_POLLS_PER_ACCESS, 1, Integer.MAX_VALUE,
            "the most long-polls one access token holds at once; more are 503");

    /**
     * Default of {@link Builder#maxHeldPollsPerAddress}: {@value} (high, because behind a reverse proxy or
     * a NAT many clients share one address).
     */
    public static final int DEFAULT_MAX_HELD_POLLS_PER_ADDRESS = 5_000;
    static final Option<Integer> MAX_HELD_POLLS_PER_ADDRESS = Option.integer("maxHeldPollsPerAddress",
            "max-held-polls-per-address", DEFAULT_MAX_HELD_POLLS_PER_ADDRESS, 1, Integer.MAX_VALUE,
            "the most long-polls one client address holds at once; more are 503");

    /** Default of {@link Builder#maxWait}, in seconds: {@value} (below Jetty's default idle timeout, 30 s). */
    public static final int DEFAULT_MAX_WAIT_SECONDS = 25;
    static final Option<Duration> MAX_WAIT = Option.seconds("maxWait", "max-wait-seconds",
            Duration.ofSeconds(DEFAULT_MAX_WAIT_SECONDS), Duration.ofSeconds(1), Duration.ofSeconds(60),
            "the longest a long-poll is held, in seconds; keep it below the container's idle timeout");

    static final Option<List<String>> CORS_ALLOWED_ORIGINS = Option.of("corsAllowedOrigins",
            "cors-allowed-origins", List.of(), Cors::splitOrigins, Cors::normalizeOrigins,
            "origins allowed by CORS, comma-separated, or *; CORS is off by default");

    /** Default of {@link Builder#maxAuthFailuresPerAccess}: {@value}. */
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS = 10;
    static final Option<Integer> MAX_AUTH_FAILURES_PER_ACCESS = Option.integer("maxAuthFailuresPerAccess",
            "auth-failures-per-access", DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS, 1, Integer.MAX_VALUE,
            "failed authentications per access token and window, then 429");

    /**
     * Default of {@link Builder#maxAuthFailuresPerAddress}: {@value} (more than per token, because many
     * clients can share one address behind NAT).
     */
    public static final int DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS = 30;
    static final Option<Integer> MAX_AUTH_FAILURES_PER_ADDRESS = Option.integer("maxAuthFailuresPerAddress",
            "auth-failures-per-address", DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS, 1, Integer.MAX_VALUE,
            "failed authentications per client address and window, then 429");

    /** Default of {@link Builder#authFailureWindow}, in seconds: {@value}. */
    public static final int DEFAULT_AUTH_FAILURE_WINDOW_SECONDS = 60;
    /** Default of {@link Builder#authFailureWindow}: {@value #DEFAULT_AUTH_FAILURE_WINDOW_SECONDS} seconds. */
    public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofSeconds(DEFAULT_AUTH_FAILURE_WINDOW_SECONDS);
    /** Longest window of the authentication limits that may be configured: one day. */
    public static final Duration LIMIT_AUTH_FAILURE_WINDOW = Duration.ofDays(1);
    static final Option<Duration> AUTH_FAILURE_WINDOW = Option.seconds("authFailureWindow",
            "auth-failure-window-seconds", DEFAULT_AUTH_FAILURE_WINDOW, Duration.ofSeconds(1),
            LIMIT_AUTH_FAILURE_WINDOW, "the window of the authentication limits, in seconds");

    /** Default of {@link Builder#authQueueWait}, in seconds: {@value}. */
    public static final int DEFAULT_AUTH_QUEUE_WAIT_SECONDS = 2;
    static final Option<Duration> AUTH_QUEUE_WAIT = Option.seconds("authQueueWait", "auth-queue-seconds",
            Duration.ofSeconds(DEFAULT_AUTH_QUEUE_WAIT_SECONDS), Duration.ZERO, Duration.ofMinutes(5),
            "how long an authentication may wait for checks in progress that use up its limits (0: refuse at once)");

    /** Default of {@link Builder#maxGuestsPerAddress}: {@value}. */
    public static final int DEFAULT_MAX_GUESTS_PER_ADDRESS = 60;
    static final Option<Integer> MAX_GUESTS_PER_ADDRESS = Option.integer("maxGuestsPerAddress", "guests-per-address",
            DEFAULT_MAX_GUESTS_PER_ADDRESS, 1, Integer.MAX_VALUE,
            "guest accounts created per client address and window, then 429");

    /** Default of {@link Builder#guestWindow}, in seconds: {@value} (an hour). */
    public static final int DEFAULT_GUEST_WINDOW_SECONDS = 3600;
    static final Option<Duration> GUEST_WINDOW = Option.seconds("guestWindow", "guest-window-seconds",
            Duration.ofSeconds(DEFAULT_GUEST_WINDOW_SECONDS), Duration.ofSeconds(1), Duration.ofDays(1),
            "the window of the guest creation limit, in seconds");

    /** Default of {@link Builder#outOfDateUpdatesBytes}: 256 KiB. */
    public static final int DEFAULT_OUT_OF_DATE_UPDATES_BYTES = 256 << 10;
    static final Option<Integer> OUT_OF_DATE_UPDATES_BYTES = Option.integer("outOfDateUpdatesBytes",
            "outofdate-updates-bytes", DEFAULT_OUT_OF_DATE_UPDATES_BYTES, 0, Integer.MAX_VALUE,
            "the most bytes of missed changes an outofdate answer carries (0: none; the client pulls)");

    /** Default of {@link Builder#readyTimeout}, in seconds: {@value}. */
    public static final int DEFAULT_READY_TIMEOUT_SECONDS = 2;
    static final Option<Duration> READY_TIMEOUT = Option.seconds("readyTimeout", "ready-timeout-seconds",
            Duration.ofSeconds(DEFAULT_READY_TIMEOUT_SECONDS), Duration.ofSeconds(1), Duration.ofSeconds(60),
            "how long storage may take to answer a readiness check (health/ready), in seconds; longer is 503");

    static final Option<Boolean> REQUEST_LOG = Option.bool("requestLog", "request-log", true,
            "whether the servlet writes one access-log line per request (off when the container logs them)");

    /** Every option, in the order toString lists them. */
    static final List<Option<?>> ALL = List.of(
            MAX_BODY_BYTES, MAX_VALUE_BYTES, MAX_OBJECTS_PER_PUSH, MAX_DEPTH,
            MIN_BODY_BYTES_PER_SECOND, BODY_RATE_GRACE_PERIOD, BODY_DEADLINE,
            MAX_HELD_POLLS, MAX_HELD_POLLS_PER_ACCESS, MAX_HELD_POLLS_PER_ADDRESS, MAX_WAIT,
            CORS_ALLOWED_ORIGINS,
            MAX_AUTH_FAILURES_PER_ACCESS, MAX_AUTH_FAILURES_PER_ADDRESS, AUTH_FAILURE_WINDOW, AUTH_QUEUE_WAIT,
            MAX_GUESTS_PER_ADDRESS, GUEST_WINDOW, OUT_OF_DATE_UPDATES_BYTES, READY_TIMEOUT, REQUEST_LOG);

    private static final PlasmidServletOptions DEFAULTS = builder().build();

    private final Map<Option<?>, Object> values;

    private PlasmidServletOptions(Builder b) {
        this.values = new IdentityHashMap<>(b.values);
    }

    /**
     * @return the servlet init-param of every option, in the order the {@link PlasmidServlet} javadoc lists
     *     them: the names {@link Builder#initParam} takes
     */
    public static List<String> initParamNames() {
        return ALL.stream().map(Option::param).toList();
    }

    /** @return the default options (each setter of {@link Builder} names its default) */
    public static PlasmidServletOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the value of an option */
    @SuppressWarnings("unchecked")
    <T> T get(Option<T> option) {
        return (T) values.get(option);
    }

    /** @return the largest accepted request body, in bytes */
    public long maxBodyBytes() {
        return get(MAX_BODY_BYTES);
    }

    /** @return the largest accepted value in a push, in UTF-8 bytes */
    public int maxValueBytes() {
        return get(MAX_VALUE_BYTES);
    }

    /** @return the most objects (keys written or deleted) one push may hold */
    public int maxObjectsPerPush() {
        return get(MAX_OBJECTS_PER_PUSH);
    }

    /** @return the slowest average rate, in bytes per second, a body may arrive at after the grace period */
    public int minBodyBytesPerSecond() {
        return get(MIN_BODY_BYTES_PER_SECOND);
    }

    /** @return how long a request body may arrive at any rate before its average rate is checked */
    public Duration bodyRateGracePeriod() {
        return get(BODY_RATE_GRACE_PERIOD);
    }

    /** @return the longest a request body may take to arrive */
    public Duration bodyDeadline() {
        return get(BODY_DEADLINE);
    }

    /** @return the deepest accepted nesting of arrays and objects inside one value */
    public int maxDepth() {
        return get(MAX_DEPTH);
    }

    /** @return how many long-poll pulls may be held at once before new ones are answered 503 */
    public int maxHeldPolls() {
        return get(MAX_HELD_POLLS);
    }

    /** @return how many long-polls one access token may hold at once before its new ones are answered 503 */
    public int maxHeldPollsPerAccess() {
        return get(MAX_HELD_POLLS_PER_ACCESS);
    }

    /** @return how many long-polls one client address may hold at once before its new ones are answered 503 */
    public int maxHeldPollsPerAddress() {
        return get(MAX_HELD_POLLS_PER_ADDRESS);
    }

    /** @return the longest a long-poll is held, whatever wait the client asks for */
    public Duration maxWait() {
        return get(MAX_WAIT);
    }

    /**
     * @return the origins CORS allows (normalized {@code scheme://host[:port]}, or {@code *} for any);
     *     empty when CORS is off
     */
    public List<String> corsAllowedOrigins() {
        return get(CORS_ALLOWED_ORIGINS);
    }

    /** @return whether CORS is on */
    public boolean corsEnabled() {
        return !corsAllowedOrigins().isEmpty();
    }

    /** @return how many failed authentications an access token may have per window before it must wait */
    public int maxAuthFailuresPerAccess() {
        return get(MAX_AUTH_FAILURES_PER_ACCESS);
    }

    /** @return how many failed authentications a client address may have per window before it must wait */
    public int maxAuthFailuresPerAddress() {
        return get(MAX_AUTH_FAILURES_PER_ADDRESS);
    }

    /** @return the window of the authentication limits, which is also the longest a block lasts */
    public Duration authFailureWindow() {
        return get(AUTH_FAILURE_WINDOW);
    }

    /**
     * @return how long an authentication waits for checks still in progress when they alone use up its
     *     token's or address's limit (a burst of devices behind one address), before it is refused 429
     */
    public Duration authQueueWait() {
        return get(AUTH_QUEUE_WAIT);
    }

    /** @return how many guest accounts may be created from one client address per window */
    public int maxGuestsPerAddress() {
        return get(MAX_GUESTS_PER_ADDRESS);
    }

    /** @return the window of the guest creation limit, which is also the longest an address is made to wait */
    public Duration guestWindow() {
        return get(GUEST_WINDOW);
    }

    /**
     * @return the most bytes (store names, keys, values) of missed changes an outofdate answer carries, so
     *     that the client resolves its conflicts without a pull; 0 for none
     */
    public int outOfDateUpdatesBytes() {
        return get(OUT_OF_DATE_UPDATES_BYTES);
    }

    /** @return how long storage may take to answer a readiness check before the servlet reports itself not ready */
    public Duration readyTimeout() {
        return get(READY_TIMEOUT);
    }

    /** @return whether the servlet writes its own access-log line per request */
    public boolean requestLog() {
        return get(REQUEST_LOG);
    }

    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "PlasmidServletOptions[", "]");
        for (Option<?> o : ALL) {
            s.add(o.name() + "=" + values.get(o));
        }
        return s.toString();
    }

    /** Builds {@link PlasmidServletOptions}. Each setter may be called once; unset values keep their default. */
    public static final class Builder {
        private final Map<Option<?>, Object> values = new IdentityHashMap<>();
        private final List<Option<?>> set = new ArrayList<>();

        private Builder() {
            for (Option<?> o : ALL) {
                values.put(o, o.defaultValue());
            }
        }

        /**
         * Sets an option once, checked against its range.
         *
         * @throws IllegalArgumentException if the value is out of range
         * @throws IllegalStateException if the option was set already
         */
        <T> Builder set(Option<T> option, T value) {
            if (set.contains(option)) {
                throw new IllegalStateException(option.name() + " was already set");
            }
            values.put(option, option.check(value));
            set.add(option);
            return this;
        }

        /**
         * Sets an option by its servlet init-param name, from text read as a web.xml init-param is (trimmed;
         * whole numbers, whole seconds, {@code true}/{@code false}, comma-separated origins), so that a
         * configuration kept as text (a command line, a properties file) reaches every option without a
         * setter call per option. plasmidctl's {@code --servlet-option NAME=VALUE} goes through here.
         *
         * @param name an init-param, one of {@link PlasmidServletOptions#initParamNames()}
         * @param value its text
         * @return this builder
         * @throws IllegalArgumentException if no option has that init-param (the message lists them), or the
         *     text holds no value in the option's range (the message says what is allowed)
         * @throws IllegalStateException if the option was set already
         */
        public Builder initParam(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            for (Option<?> option : ALL) {
                if (option.param().equals(name)) {
                    return read(option, value);
                }
            }
            throw new IllegalArgumentException("unknown init-param '" + name + "' (known: "
                    + String.join(", ", initParamNames()) + ")");
        }

        private <T> Builder read(Option<T> option, String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException(option.param() + " needs a value (" + option.doc() + ")");
            }
            T value;
            try {
                value = option.check(option.param(), option.read(text));
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                throw new IllegalArgumentException(m.startsWith(option.param()) ? m
                        : option.param() + (m.startsWith("must ") ? " " : ": ") + m, e);
            }
            return set(option, value);
        }

        /**
         * @param bytes the largest accepted request body, at least 1 (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_BODY_BYTES}); larger bodies are answered 413
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxBodyBytes(long bytes) {
            return set(MAX_BODY_BYTES, bytes);
        }

        /**
         * @param bytes the largest accepted value in a push, at least 1 (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_VALUE_BYTES}); larger values are answered 413
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxValueBytes(int bytes) {
            return set(MAX_VALUE_BYTES, bytes);
        }

        /**
         * @param objects the most objects (keys written or deleted) one push may hold, at least 1 (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_OBJECTS_PER_PUSH}); a push with more is answered 413
         *     at the first object past the limit, and nothing is written
         * @return this builder
         * @throws IllegalArgumentException if {@code objects} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxObjectsPerPush(int objects) {
            return set(MAX_OBJECTS_PER_PUSH, objects);
        }

        /**
         * Request bodies must keep a pace, so that clients sending slowly cannot tie up the server: once
         * the {@link #bodyRateGracePeriod grace period} is over, the bytes received, averaged since the body
         * started, must reach this rate, or the request is answered 408 with {@code Connection: close}
         * and the connection is closed. With async support (see {@link PlasmidServlet}) a slow body holds
         * no thread and is answered the moment it falls behind; without, it is checked only between reads.
         *
         * @param bytesPerSecond at least 0 (0: no minimum; default
         *     {@value PlasmidServletOptions#DEFAULT_MIN_BODY_BYTES_PER_SECOND})
         * @return this builder
         * @throws IllegalArgumentException if {@code bytesPerSecond} is negative
         * @throws IllegalStateException if already set
         */
        public Builder minBodyBytesPerSecond(int bytesPerSecond) {
            return set(MIN_BODY_BYTES_PER_SECOND, bytesPerSecond);
        }

        /**
         * @param grace how long a request body may arrive at any rate before its average rate must reach
         *     {@link #minBodyBytesPerSecond}, from 1 second (a rate over less means little) to 1 hour (default
         *     {@value PlasmidServletOptions#DEFAULT_BODY_RATE_GRACE_SECONDS} seconds)
         * @return this builder
         * @throws IllegalArgumentException if {@code grace} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder bodyRateGracePeriod(Duration grace) {
            return set(BODY_RATE_GRACE_PERIOD, grace);
        }

        /**
         * @param deadline the longest a request body may take to arrive whole, from 1 second to 1 day
         *     (default {@value PlasmidServletOptions#DEFAULT_BODY_DEADLINE_SECONDS} seconds); beyond it the
         *     request is answered 408 with {@code Connection: close} and the connection is closed
         * @return this builder
         * @throws IllegalArgumentException if {@code deadline} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder bodyDeadline(Duration deadline) {
            return set(BODY_DEADLINE, deadline);
        }

        /**
         * @param depth the deepest accepted nesting inside one value, 1 to
         *     {@value PlasmidServletOptions#LIMIT_MAX_DEPTH} (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_DEPTH}); deeper values are answered 400
         * @return this builder
         * @throws IllegalArgumentException if {@code depth} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder maxDepth(int depth) {
            return set(MAX_DEPTH, depth);
        }

        /**
         * @param polls how many long-polls may be held at once, at least 1 (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS}); beyond it the server answers 503 with
         *     {@code Retry-After}
         * @return this builder
         * @throws IllegalArgumentException if {@code polls} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxHeldPolls(int polls) {
            return set(MAX_HELD_POLLS, polls);
        }

        /**
         * @param polls how many long-polls one access token may hold at once, at least 1 (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS_PER_ACCESS}); beyond it its new polls are
         *     answered 503 with {@code Retry-After}, so that one token cannot take the whole
         *     {@link #maxHeldPolls} allowance
         * @return this builder
         * @throws IllegalArgumentException if {@code polls} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxHeldPollsPerAccess(int polls) {
            return set(MAX_HELD_POLLS_PER_ACCESS, polls);
        }

        /**
         * Behind a reverse proxy every client has the proxy's address (unless the container is told the
         * real one: Jetty's {@code ForwardedRequestCustomizer}, Tomcat's {@code RemoteIpValve}), so the
         * default is high; lower it when clients reach the server directly.
         *
         * @param polls how many long-polls one client address (IPv6: one /64) may hold at once, at least 1
         *     (default {@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS_PER_ADDRESS}); beyond it its new
         *     polls are answered 503 with {@code Retry-After}
         * @return this builder
         * @throws IllegalArgumentException if {@code polls} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxHeldPollsPerAddress(int polls) {
            return set(MAX_HELD_POLLS_PER_ADDRESS, polls);
        }

        /**
         * The longest a long-poll is held: a client's {@code ?wait=S} is still accepted up to 60 seconds
         * (older clients ask for that), but the poll is answered, with what there is, after at most this
         * long. Keep it below the container's idle timeout (Jetty's default is 30 s), or the container may
         * cut a held poll without an answer; the servlet cannot read that timeout itself.
         *
         * @param wait from 1 second to 60 seconds (default
         *     {@value PlasmidServletOptions#DEFAULT_MAX_WAIT_SECONDS} seconds)
         * @return this builder
         * @throws IllegalArgumentException if {@code wait} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder maxWait(Duration wait) {
            return set(MAX_WAIT, wait);
        }

        /**
         * Turns CORS on for these origins (it is off by default).
         *
         * @param origins origins such as {@code https://app.example.com:8443}, or {@code *} for any
         *     origin; not empty
         * @return this builder
         * @throws IllegalArgumentException if the list is empty or an origin is not
         *     {@code http(s)://host[:port]} or {@code *}
         * @throws IllegalStateException if already set
         */
        public Builder corsAllowedOrigins(Collection<String> origins) {
            return set(CORS_ALLOWED_ORIGINS, List.copyOf(Objects.requireNonNull(origins, "origins")));
        }

        /**
         * After this many failed authentications of one access token within the window, further attempts
         * for it are answered 429 with {@code Retry-After}, without checking the secret, until the window
         * ends. Addresses the token has authenticated from in the last day are exempt, so that guessing
         * cannot lock out its owner's devices.
         *
         * @param failures at least 1 (default {@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS})
         * @return this builder
         * @throws IllegalArgumentException if {@code failures} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxAuthFailuresPerAccess(int failures) {
            return set(MAX_AUTH_FAILURES_PER_ACCESS, failures);
        }

        /**
         * After this many failed authentications from one client address (IPv6: one /64) within the
         * window, further attempts from it are answered 429 with {@code Retry-After}, without checking the
         * secret, until the window ends.
         *
         * @param failures at least 1 (default {@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS})
         * @return this builder
         * @throws IllegalArgumentException if {@code failures} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxAuthFailuresPerAddress(int failures) {
            return set(MAX_AUTH_FAILURES_PER_ADDRESS, failures);
        }

        /**
         * @param window the window of the authentication limits, from 1 second to 1 day (default
         *     {@value PlasmidServletOptions#DEFAULT_AUTH_FAILURE_WINDOW_SECONDS} seconds); it is also the
         *     longest a token or address is made to wait
         * @return this builder
         * @throws IllegalArgumentException if {@code window} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder authFailureWindow(Duration window) {
            return set(AUTH_FAILURE_WINDOW, window);
        }

        /**
         * @param wait how long an authentication may wait, from 0 to 5 minutes (default
         *     {@value PlasmidServletOptions#DEFAULT_AUTH_QUEUE_WAIT_SECONDS} seconds), when checks still in
         *     progress alone use up its token's or address's limit: a success gives its attempt back, so
         *     valid credentials in a burst are admitted instead of refused 429; guesses gain nothing (no
         *     more are checked at once than the limit, and once failures use it up they are refused)
         * @return this builder
         * @throws IllegalArgumentException if {@code wait} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder authQueueWait(Duration wait) {
            return set(AUTH_QUEUE_WAIT, wait);
        }

        /**
         * At most this many guest accounts ({@code POST a/} with {@code "type": "guest"}) may be created
         * from one client address (IPv6: one /64) within the window; beyond it the creation is answered 429
         * with {@code Retry-After} until the window ends. Only creations that succeed count. Behind a
         * reverse proxy all clients share its address unless the container is told the real one.
         *
         * @param guests at least 1 (default {@value PlasmidServletOptions#DEFAULT_MAX_GUESTS_PER_ADDRESS})
         * @return this builder
         * @throws IllegalArgumentException if {@code guests} is below 1
         * @throws IllegalStateException if already set
         */
        public Builder maxGuestsPerAddress(int guests) {
            return set(MAX_GUESTS_PER_ADDRESS, guests);
        }

        /**
         * @param window the window of the guest creation limit, from 1 second to 1 day (default
         *     {@value PlasmidServletOptions#DEFAULT_GUEST_WINDOW_SECONDS} seconds)
         * @return this builder
         * @throws IllegalArgumentException if {@code window} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder guestWindow(Duration window) {
            return set(GUEST_WINDOW, window);
        }

        /**
         * (ext) An {@code outofdate} answer carries the changes the pusher missed ({@code updates} and
         * {@code until}), when it may read the database and they fit in this many bytes of store names,
         * keys and values, so that the client resolves its conflicts and retries without a pull.
         *
         * @param bytes the budget, 0 to send none (default
         *     {@value PlasmidServletOptions#DEFAULT_OUT_OF_DATE_UPDATES_BYTES})
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         * @throws IllegalStateException if already set
         */
        public Builder outOfDateUpdatesBytes(int bytes) {
            return set(OUT_OF_DATE_UPDATES_BYTES, bytes);
        }

        /**
         * The readiness check ({@code GET {mount}/health/ready}) asks storage one cheap question
         * ({@link org.plasmid.core.PlasmidHub#probe()}); if no answer comes within this bound, the servlet
         * reports itself not ready (503), so a load balancer sends its clients elsewhere.
         *
         * @param timeout from 1 second to 60 seconds (default
         *     {@value PlasmidServletOptions#DEFAULT_READY_TIMEOUT_SECONDS} seconds)
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is out of range
         * @throws IllegalStateException if already set
         */
        public Builder readyTimeout(Duration timeout) {
            return set(READY_TIMEOUT, timeout);
        }

        /**
         * The servlet writes one access-log line per request at INFO on the SLF4J logger
         * {@code org.plasmid.servlet.RequestLog}, with its request id. Turn it off when the container
         * writes an access log of its own (plasmidctl does: Jetty's, asynchronous), so that no request is
         * logged twice.
         *
         * @param enabled whether to log (default {@code true})
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder requestLog(boolean enabled) {
            return set(REQUEST_LOG, enabled);
        }

        /**
         * @return the options
         * @throws IllegalStateException if {@code maxValueBytes} exceeds {@code maxBodyBytes}
         */
        public PlasmidServletOptions build() {
            if (get(MAX_VALUE_BYTES) > get(MAX_BODY_BYTES)) {
                throw new IllegalStateException("maxValueBytes (" + get(MAX_VALUE_BYTES)
                        + ") must not exceed maxBodyBytes (" + get(MAX_BODY_BYTES) + ")");
            }
            return new PlasmidServletOptions(this);
        }

        @SuppressWarnings("unchecked")
        private <T> T get(Option<T> option) {
            return (T) values.get(option);
        }
    }
}
