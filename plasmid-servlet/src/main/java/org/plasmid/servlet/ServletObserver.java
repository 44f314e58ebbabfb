package org.plasmid.servlet;

/**
 * What the servlet tells whoever records its work ({@link PlasmidServletMetrics} binds one). Until one is
 * bound the servlet tells {@link #NONE}, which does nothing; Micrometer is never loaded. Called on the
 * request threads: implementations must be quick and must not throw.
 */
interface ServletObserver {
    /** How a request that carried credentials fared. */
    enum Authenticated {
        SUCCESS, FAILURE, THROTTLED
    }

    /** How a held long-poll ended. */
    enum PollEnd {
        /** A push landed: the database passed the client's revision. */
        PUSH,
        /** The wait ran out (or the server was stopping): answered with what there was. */
        TIMEOUT
    }

    /** Observes nothing. */
    ServletObserver NONE = new ServletObserver() {
    };

    /** @param outcome how a request carrying credentials was authenticated (once per request) */
    default void authenticated(Authenticated outcome) {
    }

    /** @param end how a held long-poll ended (its answer is on its way) */
    default void pollEnded(PollEnd end) {
    }

    /** A push was answered with a 4xx status. */
    default void pushRefused() {
    }

    /** The engine's storage failed (or the hub was closed): the request was answered 503. */
    default void storageFault() {
    }

    /**
     * The servlet's observer: tells whatever observers were bound to it, none at first. Binding may
     * come before or after {@code init}.
     */
    final class Slot implements ServletObserver {
        private volatile ServletObserver target = NONE;

        synchronized void add(ServletObserver added) {
            ServletObserver before = target;
            target = before == NONE ? added : new Both(before, added);
        }

        @Override
        public void authenticated(Authenticated outcome) {
            target.authenticated(outcome);
        }

        @Override
        public void pollEnded(PollEnd end) {
            target.pollEnded(end);
        }

        @Override
        public void pushRefused() {
            target.pushRefused();
        }

        @Override
        public void storageFault() {
            target.storageFault();
        }
    }

    /** Two observers, told in turn. */
    record Both(ServletObserver a, ServletObserver b) implements ServletObserver {
        @Override
        public void authenticated(Authenticated outcome) {
            a.authenticated(outcome);
            b.authenticated(outcome);
        }

        @Override
        public void pollEnded(PollEnd end) {
            a.pollEnded(end);
            b.pollEnded(end);
        }

        @Override
        public void pushRefused() {
            a.pushRefused();
            b.pushRefused();
        }

        @Override
        public void storageFault() {
            a.storageFault();
            b.storageFault();
        }
    }
}
