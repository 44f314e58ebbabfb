package org.plasmid.examples.ctl;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * HTTPS: the certificate and key, in one of two styles (a PKCS12 keystore, or PEM files as Let's Encrypt
 * issues them), and an optional plain port that redirects to HTTPS.
 */
final class TlsOptions {
    /** The environment variable holding the keystore's password (never a flag: it would show in ps). */
    static final String PASSWORD_VARIABLE = "PLASMID_TLS_KEYSTORE_PASSWORD";

    @Option(names = "--tls-keystore", paramLabel = "FILE", converter = Converters.Dir.class,
            description = "serve HTTPS with the key and certificate of this PKCS12 keystore; its password comes "
                    + "from the environment variable " + PASSWORD_VARIABLE)
    Path keystore;

    @Option(names = "--tls-alias", paramLabel = "NAME", converter = Converters.NonBlank.class,
            description = "the keystore's key entry to use, when it holds several")
    String alias;

    @Option(names = "--tls-cert", paramLabel = "FILE", converter = Converters.Dir.class,
            description = "serve HTTPS with this PEM certificate chain, the server's certificate first (Let's "
                    + "Encrypt's fullchain.pem); needs --tls-key")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", converter = Converters.Dir.class,
            description = "the PEM private key of --tls-cert (Let's Encrypt's privkey.pem; PKCS#8, or PKCS#1 "
                    + "and SEC1 as openssl writes them)")
    Path key;

    @Option(names = "--redirect-http-port", paramLabel = "N", converter = Converters.Port.class,
            description = "also listen for plain HTTP on this port, redirecting every request to HTTPS")
    Integer redirectHttpPort;

    /** @return whether HTTPS was asked for, in either style */
    boolean enabled() {
        return keystore != null || cert != null || key != null;
    }
}
