package org.plasmid.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The engine's meters, bound to a Micrometer {@link MeterRegistry}: pushes by outcome, objects and bytes
 * pushed and pulled, push and pull latency, databases and stored bytes, and the MapDB journal's fsyncs.
 * Names and tags are declared here, once (the README's "Monitoring" table lists them); the Prometheus
 * names follow Micrometer's convention ({@code plasmid.pushes} is {@code plasmid_pushes_total}).
 *
 * <pre>{@code
 * PlasmidHub hub = PlasmidHub.open(dir);
 * new PlasmidHubMetrics(hub).bindTo(registry);   // Spring Boot binds a MeterBinder bean by itself
 * }</pre>
 *
 * <p>This class, and {@code PlasmidServletMetrics} in plasmid-servlet, are the only ones that use
 * Micrometer, which is an optional dependency: a hub that no binder was bound to records nothing, skips
 * even its clock readings, and never loads a Micrometer class. Binding to several registries records to
 * each.
 */
public final class PlasmidHubMetrics implements MeterBinder {
    /** Counter, tag {@value #OUTCOME}: pushes decided by the engine ({@code refused} ones come from the servlet). */
    public static final String PUSHES = "plasmid.pushes";
    /** The tag of {@link #PUSHES} (and of the servlet's authentications). */
    public static final String OUTCOME = "outcome";
    /** Push outcome: accepted, an empty push too. */
    public static final String SAVED = "saved";
    /** Push outcome: a retry of an accepted push id, answered with the original result. */
    public static final String DUPLICATE = "duplicate";
    /** Push outcome: refused by the conflict-reject rule. */
    public static final String OUT_OF_DATE = "outofdate";
    /** Push outcome: refused by a quota. */
    public static final String QUOTA = "quota";
    /** Push outcome counted by the servlet: any 4xx answer to a push. */
    public static final String REFUSED = "refused";
    /** Timer: how long the engine took to decide a push (write and fsync included). */
    public static final String PUSH_DURATION = "plasmid.push.duration";
    /** Timer: how long the engine took to stream a pull or a clone (the client's reading included). */
    public static final String PULL_DURATION = "plasmid.pull.duration";
    /** Counter: objects in accepted pushes. */
    public static final String PUSHED_OBJECTS = "plasmid.pushed.objects";
    /** Counter, bytes: stored size of the objects of accepted pushes (store, key and value in UTF-8). */
    public static final String PUSHED_BYTES = "plasmid.pushed.bytes";
    /** Counter: entries returned by pulls and clones. */
    public static final String PULLED_OBJECTS = "plasmid.pulled.objects";
    /** Counter, bytes: size of the entries returned by pulls and clones. */
    public static final String PULLED_BYTES = "plasmid.pulled.bytes";
    /** Gauge: databases in the hub. */
    public static final String DATABASES = "plasmid.databases";
    /** Gauge, bytes: the stored size of every database, summed. */
    public static final String STORED_BYTES = "plasmid.stored.bytes";
    /** Timer: the MapDB journal's fsyncs. */
    public static final String FSYNC_DURATION = "plasmid.journal.fsync.duration";
    /** Distribution summary: records made durable by one journal fsync (the group commit's size). */
    public static final String FSYNC_RECORDS = "plasmid.journal.fsync.records";

    /** The gauges list every database: at most once per this long, whatever the scrape rate. */
    private static final long TOTALS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PlasmidHub hub;
    private final Object totalsLock = new Object();
    private long[] totals;
    private long totalsNanos;

    /** @param hub the hub to record */
    public PlasmidHubMetrics(PlasmidHub hub) {
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Map<PushResult.Status, Counter> pushes = new EnumMap<>(PushResult.Status.class);
        pushes.put(PushResult.Status.ACCEPTED, pushes(registry, SAVED));
        pushes.put(PushResult.Status.DUPLICATE, pushes(registry, DUPLICATE));
        pushes.put(PushResult.Status.OUT_OF_DATE, pushes(registry, OUT_OF_DATE));
        pushes.put(PushResult.Status.QUOTA_EXCEEDED, pushes(registry, QUOTA));
        Timer pushTime = latency(PUSH_DURATION, "how long the engine took to decide a push", registry);
        Timer pullTime = latency(PULL_DURATION, "how long the engine took to stream a pull or clone", registry);
        Counter pushedObjects = Counter.builder(PUSHED_OBJECTS).description("objects in accepted pushes")
                .register(registry);
        Counter pushedBytes = Counter.builder(PUSHED_BYTES).baseUnit(BaseUnits.BYTES)
                .description("stored size of the objects of accepted pushes").register(registry);
        Counter pulledObjects = Counter.builder(PULLED_OBJECTS).description("entries returned by pulls and clones")
                .register(registry);
        Counter pulledBytes = Counter.builder(PULLED_BYTES).baseUnit(BaseUnits.BYTES)
                .description("size of the entries returned by pulls and clones").register(registry);
        Timer fsync = Timer.builder(FSYNC_DURATION).description("the journal's fsyncs (MapDB storage only)")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        DistributionSummary group = DistributionSummary.builder(FSYNC_RECORDS)
                .description("records made durable by one journal fsync: the group commit's size")
                .register(registry);
        Gauge.builder(DATABASES, this, m -> m.total(0)).description("databases in the hub").register(registry);
        Gauge.builder(STORED_BYTES, this, m -> m.total(1)).baseUnit(BaseUnits.BYTES)
                .description("the stored size of every database, summed").register(registry);

        hub.observe(new HubObserver() {
            @Override
            public void pushed(PushResult.Status status, int objects, long bytes, long nanos) {
                pushes.get(status).increment();
                pushTime.record(nanos, TimeUnit.NANOSECONDS);
                if (status == PushResult.Status.ACCEPTED) {
                    pushedObjects.increment(objects);
                    pushedBytes.increment(bytes);
                }
            }

            @Override
            public void pulled(long objects, long bytes, long nanos, boolean clone) {
                pullTime.record(nanos, TimeUnit.NANOSECONDS);
                pulledObjects.increment(objects);
                pulledBytes.increment(bytes);
            }

            @Override
            public void synced(long nanos, int records) {
                fsync.record(nanos, TimeUnit.NANOSECONDS);
                group.record(records);
            }
        });
    }

    /**
     * @param registry the registry
     * @param outcome one of the push outcomes above
     * @return the counter of pushes with that outcome
     */
    public static Counter pushes(MeterRegistry registry, String outcome) {
        return Counter.builder(PUSHES).tag(OUTCOME, outcome)
                .description("pushes by outcome: saved, duplicate, outofdate, quota, refused (a 4xx answer)")
                .register(registry);
    }

    private static Timer latency(String name, String description, MeterRegistry registry) {
        return Timer.builder(name).description(description)
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** One of the totals, listed at most every few seconds; NaN while storage fails. */
    private double total(int which) {
        synchronized (totalsLock) {
            long now = System.nanoTime();
            if (totals == null || now - totalsNanos > TOTALS_MAX_AGE_NANOS) {
                try {
                    totals = hub.totals();
                } catch (PlasmidException e) {
                    totals = null;
                    return Double.NaN;
                }
                totalsNanos = now;
            }
            return totals[which];
        }
    }
}
