package org.plasmid.examples.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.DurationConverter;
import org.plasmid.servlet.PlasmidServletOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The benchmark's W7 options (a picocli mixin of {@link BenchCommand}), checked into a {@link LiveRun}. */
final class LiveFlags {
    @Option(names = "--devices", paramLabel = "N",
            description = "W7: devices on accounts whose secret the server generated, two per account and database "
                    + "(default: 1000; --quick: 40)")
    Integer devices;

    @Option(names = "--chosen-devices", paramLabel = "N",
            description = "W7: devices on accounts with a chosen secret (PBKDF2), two per account (default: 100; "
                    + "--quick: 4)")
    Integer chosenDevices;

    @Option(names = "--rate", paramLabel = "N",
            description = "W7: single-object pushes per second, in all (default: 200; --quick: 20)")
    Integer rate;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "W7: how long to push, such as 60s or 5m (default: 60s; --quick: 3s)")
    Duration duration;

    @Option(names = "--push-connections", paramLabel = "N",
            description = "W7: the connections the pushes share (default: 16; --quick: 4)")
    Integer pushConnections;

    @Option(names = "--warm-up", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "W7: push at --rate this long before measuring, so that both JVMs have compiled the paths "
                    + "(default: 10s; --quick: 1s; 0 for none)")
    Duration warmUp;

    @Option(names = "--storm", description = "W7: then restart the server, and every device connects again within "
            + "--storm-spread (the reconnect storm)")
    boolean storm;

    @Option(names = "--storm-spread", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "W7: the window in which all devices reconnect (default: 1s)")
    Duration stormSpread;

    @Option(names = "--servlet-option", paramLabel = "NAME=VALUE",
            description = "W7: an option of the server the benchmark starts (embedded or --server-jar), by its "
                    + "init-param name, as plasmidctl takes it; repeatable. Over 5000 devices need "
                    + "max-held-polls-per-address raised, over 10000 max-held-polls too")
    List<String> servletOptions;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "W7: run plasmidctl from this jar as a separate process on a temporary hub (its CPU and "
                    + "memory measured; the storm restarts it for real) instead of in this JVM")
    Path serverJar;

    @Option(names = "--server-jvm-option", paramLabel = "OPT",
            description = "W7 with --server-jar: a JVM option of the server, such as -Xmx256m; repeatable")
    List<String> serverJvmOptions;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "W7 with --url: the server's process id, to measure its CPU, resident memory and heap "
                    + "after GC (Linux /proc, jcmd)")
    Long serverPid;

    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "W7 with --url: the server's Prometheus page (plasmidctl --metrics-port), to count the "
                    + "polls it holds")
    URI metricsUrl;

    private boolean anyGiven() {
        return devices != null || chosenDevices != null || rate != null || duration != null || pushConnections != null
                || warmUp != null || storm || stormSpread != null || servletOptions != null || serverJar != null
                || serverJvmOptions != null || serverPid != null || metricsUrl != null;
    }

    /**
     * @param w7 whether W7 is among the workloads
     * @param quick whether the sizes are the quick ones
     * @param url whether the server is one at {@code --url}
     * @param engine whether {@code --engine} was given
     * @return W7's settings, or null without W7
     * @throws ParameterException (bad usage) for a value out of range or options that do not go together
     */
    LiveRun check(CommandSpec spec, boolean w7, boolean quick, boolean url, boolean engine) {
        if (!w7) {
            if (anyGiven()) {
                throw usage(spec, "the W7 options apply to W7: add it to --workloads");
            }
            return null;
        }
        if (engine) {
            throw usage(spec, "W7 runs over HTTP, not with --engine");
        }
        if (url && (serverJar != null || servletOptions != null || serverJvmOptions != null)) {
            throw usage(spec, "--server-jar, --servlet-option and --server-jvm-option set up a server the benchmark "
                    + "starts: not with --url (give the options to the server you run)");
        }
        if (!url && (serverPid != null || metricsUrl != null)) {
            throw usage(spec, "--server-pid and --metrics-url describe the server at --url: give --url");
        }
        if (serverJvmOptions != null && serverJar == null) {
            throw usage(spec, "--server-jvm-option needs --server-jar");
        }
        if (serverJar != null && !Files.isRegularFile(serverJar)) {
            throw usage(spec, "--server-jar: there is no file " + serverJar);
        }
        LiveDevices.Options d = LiveDevices.Options.QUICK;
        int n = Cli.inRange(spec, "--devices", devices != null ? devices : quick ? d.generatedPairDevices() : 1000, 2,
                100_000);
        int chosen = Cli.inRange(spec, "--chosen-devices", chosenDevices != null ? chosenDevices
                : quick ? d.chosenPairDevices() : 100, 0, 10_000);
        if (n % 2 != 0 || chosen % 2 != 0) {
            throw usage(spec, "devices come in pairs: --devices and --chosen-devices need even numbers");
        }
        Duration pushFor = duration != null ? duration : quick ? d.duration() : Duration.ofSeconds(60);
        if (pushFor.toMillis() < 1000) {
            throw usage(spec, "--duration needs at least 1s, got " + DurationConverter.format(pushFor));
        }
        Duration spread = stormSpread != null ? stormSpread : Duration.ofSeconds(1);
        if (spread.toMillis() < 1 || spread.toSeconds() > 600) {
            throw usage(spec, "--storm-spread needs 1ms to 10m, got " + DurationConverter.format(spread));
        }
        Duration warm = warmUp != null ? warmUp : quick ? d.warmUp() : Duration.ofSeconds(10);
        LiveDevices.Options options = new LiveDevices.Options(n, chosen,
                Cli.inRange(spec, "--rate", rate != null ? rate : quick ? d.rate() : 200, 1, 100_000), pushFor,
                Cli.inRange(spec, "--push-connections", pushConnections != null ? pushConnections
                        : quick ? d.pushConnections() : 16, 1, 10_000), storm, spread, d.waitSeconds(), warm);
        return new LiveRun(options, servletOptions(spec), serverJar,
                serverJvmOptions == null ? List.of() : List.copyOf(serverJvmOptions),
                serverPid == null ? -1 : serverPid, metricsUrl);
    }

    /** @return the servlet options, each checked as plasmidctl checks them */
    private List<String> servletOptions(CommandSpec spec) {
        List<String> checked = new ArrayList<>();
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        for (String option : servletOptions == null ? List.<String>of() : servletOptions) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw usage(spec, "--servlet-option '" + option + "' has no =VALUE");
            }
            try {
                b.initParam(option.substring(0, eq).trim(), option.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw usage(spec, "--servlet-option: " + e.getMessage());
            } catch (IllegalStateException e) {
                throw usage(spec, "--servlet-option " + option.substring(0, eq).trim() + " is given twice");
            }
            checked.add(option);
        }
        return checked;
    }

    private static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
