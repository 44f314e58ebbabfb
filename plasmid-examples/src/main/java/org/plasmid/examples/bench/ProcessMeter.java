package org.plasmid.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server process costs: CPU seconds, resident memory, and heap in use after a full GC. Either a
 * separate process known by its PID (Linux {@code /proc}; the heap through {@code jcmd}, which asks that
 * JVM for a full GC), or this JVM when the server runs in it (then the figures include the load client).
 * A figure that cannot be read is NaN.
 */
abstract class ProcessMeter {
    /** Linux counts {@code /proc/PID/stat} times in clock ticks of 1/100 s on every common platform. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    /** {@code GC.heap_info}: "garbage-first heap   total 262144K, used 45678K" (any collector). */
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    /** @return CPU seconds (user + system) the process has used so far */
    abstract double cpuSeconds();

    /** @return resident memory in bytes */
    abstract double rssBytes();

    /** @return heap in use after a full GC, in bytes (this collects: not during a measurement) */
    abstract double heapAfterGcBytes();

    /** @return what is measured, for the report */
    abstract String describe();

    /** @return a meter of this JVM */
    static ProcessMeter thisJvm() {
        return new ThisJvm();
    }

    /** @return a meter of another process, or of nothing ({@code pid} -1: every figure NaN) */
    static ProcessMeter pid(long pid) {
        return new OtherProcess(pid);
    }

    private static final class ThisJvm extends ProcessMeter {
        @Override
        double cpuSeconds() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime() / 1e9;
            }
            return Double.NaN;
        }

        @Override
        double rssBytes() {
            return rss(Path.of("/proc/self/status"));
        }

        @Override
        double heapAfterGcBytes() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long used = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) { // until it stops shrinking
                System.gc();
                sleep(100);
                long now = memory.getHeapMemoryUsage().getUsed();
                if (now >= used) {
                    return Math.min(now, used);
                }
                used = now;
            }
            return used;
        }

        @Override
        String describe() {
            return "this JVM (server and load client together)";
        }
    }

    private static final class OtherProcess extends ProcessMeter {
        private final long pid;

        OtherProcess(long pid) {
            this.pid = pid;
        }

        @Override
        double cpuSeconds() {
            if (pid < 0) {
                return Double.NaN;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
                // the command name, in parentheses, may hold spaces: count fields after its closing one
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        @Override
        double rssBytes() {
            return pid < 0 ? Double.NaN : rss(Path.of("/proc", Long.toString(pid), "status"));
        }

        @Override
        double heapAfterGcBytes() {
            if (pid < 0 || jcmd("GC.run") == null) {
                return Double.NaN;
            }
            String info = jcmd("GC.heap_info");
            Matcher m = info == null ? null : HEAP_USED.matcher(info);
            return m != null && m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
        }

        private String jcmd(String command) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            try {
                Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                        .redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        String describe() {
            return pid < 0 ? "nothing (give --server-pid)" : "process " + pid;
        }
    }

    private static double rss(Path status) {
        try {
            Matcher m = RSS.matcher(Files.readString(status, StandardCharsets.US_ASCII));
            return m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
