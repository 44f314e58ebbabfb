package org.plasmid.examples.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's access-log lines, handed to SLF4J (logger {@value #LOGGER}, INFO) by a thread of their own: the
 * request's thread only queues the line, so a slow log backend (slf4j-simple writes to stderr as it is
 * called) never holds a request up. The queue is bounded; when the backend cannot keep up, lines are
 * dropped and counted, and the count is logged, rather than memory growing or requests waiting.
 */
final class AccessLogWriter extends AbstractLifeCycle implements RequestLog.Writer {
    /** The SLF4J logger of the access log. */
    static final String LOGGER = "org.plasmid.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int QUEUE = 10_000;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private Thread writer;

    @Override
    public void write(String line) {
        if (!lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    protected void doStart() {
        writer = new Thread(this::drain, "plasmid-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        Thread t = writer;
        if (t != null) {
            t.interrupt();
            t.join(2000);
        }
        flush();
    }

    private void drain() {
        try {
            while (true) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    LOG.info(line);
                }
                reportDropped();
            }
        } catch (InterruptedException e) {
            // stopping: doStop writes what is left
        }
    }

    private void flush() {
        for (String line; (line = lines.poll()) != null; ) {
            LOG.info(line);
        }
        reportDropped();
    }

    private void reportDropped() {
        long n = dropped.getAndSet(0);
        if (n > 0) {
            LOG.warn("{} access-log lines dropped: the log could not keep up", n);
        }
    }
}
