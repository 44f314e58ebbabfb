package org.plasmid.examples.server;

/**
 * Where and how a server listens: the API's address and port, HTTPS, a plain port that redirects to it,
 * the metrics port, and whether Jetty writes the access log.
 *
 * @param host the address to listen on ({@code 0.0.0.0} for all interfaces)
 * @param port the port, 0 for any free one; HTTPS when {@code tls} is given
 * @param tls the certificate and key, or null for plain HTTP
 * @param redirectHttpPort a plain-HTTP port that redirects to the HTTPS one, or -1 for none (0: any free)
 * @param metricsHost the address {@code /metrics} is served on
 * @param metricsPort the port of {@code /metrics}, or -1 for no metrics (0: any free)
 * @param accessLog whether Jetty writes the access log (asynchronously, through SLF4J); off, the servlet
 *     may write its own
 * @param forwarded whether to take the client's address (and scheme) from the {@code X-Forwarded-For} and
 *     {@code Forwarded} headers of a reverse proxy: only behind one, which must set them itself
 */
public record ServerSettings(String host, int port, ServerTls tls, int redirectHttpPort, String metricsHost,
        int metricsPort, boolean accessLog, boolean forwarded) {

    /** @return plain HTTP on {@code host:port}, no metrics, no Jetty access log (the servlet logs) */
    public static ServerSettings plain(String host, int port) {
        return new ServerSettings(host, port, null, -1, "127.0.0.1", -1, false, false);
    }

    /** @return whether {@code /metrics} is served */
    public boolean metrics() {
        return metricsPort >= 0;
    }
}
