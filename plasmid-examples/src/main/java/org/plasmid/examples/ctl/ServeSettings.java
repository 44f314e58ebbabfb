package org.plasmid.examples.ctl;

import java.io.IOException;
import java.util.List;
import org.plasmid.examples.server.ServerSettings;
import org.plasmid.examples.server.ServerTls;
import org.plasmid.servlet.PlasmidServletOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The serving options checked together: conflicts are bad usage (exit 2), found before anything is read;
 * the certificate and key are read afterwards, and a failure there is the run's failure (exit 1).
 */
final class ServeSettings {
    private ServeSettings() {
    }

    /**
     * Options that passed the usage checks; {@link #load()} reads the certificate and key.
     *
     * @param servlet the servlet's options: the {@code --servlet-option}s over plasmidctl's defaults
     */
    record Checked(ServerOptions server, TlsOptions tls, MonitoringOptions monitoring, PlasmidServletOptions servlet) {
        /**
         * @return the settings, with the certificate and key loaded
         * @throws IOException (exit 1) if the password is not set, or the keystore or PEM files cannot be
         *     read, or do not hold a usable key
         */
        ServerSettings load() throws IOException {
            ServerTls loaded = null;
            if (tls.keystore != null) {
                String password = System.getenv(TlsOptions.PASSWORD_VARIABLE);
                if (password == null) {
                    throw new IOException("--tls-keystore needs the keystore's password in the environment variable "
                            + TlsOptions.PASSWORD_VARIABLE + ", which is not set");
                }
                loaded = ServerTls.keyStore(tls.keystore, password.toCharArray(), tls.alias);
            } else if (tls.cert != null) {
                loaded = ServerTls.pem(tls.cert, tls.key);
            }
            return new ServerSettings(server.host, server.port, loaded,
                    tls.redirectHttpPort == null ? -1 : tls.redirectHttpPort, monitoring.host,
                    monitoring.port == null ? -1 : monitoring.port, true, server.forwarded);
        }
    }

    /**
     * @return the options, once they are known not to conflict
     * @throws ParameterException (exit 2) for both HTTPS styles at once, half of the PEM pair, an alias
     *     without a keystore, a redirect without HTTPS, or one port given for two uses
     */
    static Checked check(CommandSpec spec, ServerOptions server, TlsOptions tls, MonitoringOptions monitoring) {
        if (tls.keystore != null && (tls.cert != null || tls.key != null)) {
            throw usage(spec, "--tls-keystore and --tls-cert/--tls-key are two ways to give the certificate: "
                    + "use one");
        }
        if ((tls.cert == null) != (tls.key == null)) {
            throw usage(spec, tls.cert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (tls.alias != null && tls.keystore == null) {
            throw usage(spec, "--tls-alias names an entry of --tls-keystore, which is not given");
        }
        if (tls.redirectHttpPort != null && !tls.enabled()) {
            throw usage(spec, "--redirect-http-port redirects to HTTPS: give --tls-keystore or --tls-cert and --tls-key");
        }
        sameHost(spec, "--port", server.port, "--redirect-http-port", tls.redirectHttpPort);
        if (monitoring.port != null && monitoring.port != 0
                && (monitoring.port == server.port || monitoring.port.equals(tls.redirectHttpPort))) {
            throw usage(spec, "--metrics-port " + monitoring.port + " is also the server's port: metrics are never "
                    + "served on the public port; choose another");
        }
        return new Checked(server, tls, monitoring, servletOptions(spec, server.servletOptions));
    }

    /**
     * @return the servlet's options: each {@code --servlet-option} (already checked one by one), then
     *     plasmidctl's own default, which differs from the servlet's: no servlet access log, since Jetty
     *     writes one (unless {@code request-log} was given)
     * @throws ParameterException (exit 2) for an option given twice, or options that conflict
     */
    static PlasmidServletOptions servletOptions(CommandSpec spec, List<Converters.ServletSetting> settings) {
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        boolean requestLog = false;
        for (Converters.ServletSetting s : settings == null ? List.<Converters.ServletSetting>of() : settings) {
            try {
                b.initParam(s.name(), s.value());
            } catch (IllegalStateException e) {
                throw usage(spec, "--servlet-option " + s.name() + " is given twice");
            }
            requestLog |= s.name().equals("request-log");
        }
        if (!requestLog) {
            b.requestLog(false);
        }
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw usage(spec, "--servlet-option: " + e.getMessage());
        }
    }

    private static void sameHost(CommandSpec spec, String a, int portA, String b, Integer portB) {
        if (portB != null && portB != 0 && portB == portA) {
            throw usage(spec, a + " and " + b + " are both " + portA + ": choose two ports");
        }
    }

    private static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
