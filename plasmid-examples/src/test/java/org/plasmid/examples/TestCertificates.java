package org.plasmid.examples;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost}, {@code 127.0.0.1} and any names a test adds, made by
 * the JDK's keytool for a test: as a PKCS12 keystore, and as the PEM pair Let's Encrypt hands out (a
 * chain and a PKCS#8 key, or the PKCS#1 key openssl writes for RSA); and a client's trust store that
 * trusts it alone.
 */
public final class TestCertificates {
    /** The keystore's password. */
    public static final String PASSWORD = "test-keystore-pw";

    private final Path keystore;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private TestCertificates(Path keystore, X509Certificate certificate, PrivateKey key) {
        this.keystore = keystore;
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Makes a new RSA key and its certificate in {@code dir}.
     *
     * @param moreNames host names the certificate is for besides {@code localhost} and {@code 127.0.0.1}
     */
    public static TestCertificates create(Path dir, String... moreNames) throws Exception {
        Path file = dir.resolve("server.p12");
        StringBuilder names = new StringBuilder("SAN=dns:localhost,ip:127.0.0.1");
        for (String name : moreNames) {
            names.append(",dns:").append(name);
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "plasmid", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", names.toString(), "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return new TestCertificates(file, (X509Certificate) ks.getCertificate("plasmid"),
                (PrivateKey) ks.getKey("plasmid", PASSWORD.toCharArray()));
    }

    /** @return the PKCS12 keystore (password {@link #PASSWORD}) */
    public Path keystore() {
        return keystore;
    }

    /** @return the certificate */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the certificate as a PEM chain ({@code fullchain.pem}). */
    public Path writeChain(Path file) throws Exception {
        Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        return file;
    }

    /** Writes the key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}, as Let's Encrypt's privkey.pem). */
    public Path writeKey(Path file) throws Exception {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        return file;
    }

    /** Writes the key as PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}, as older openssl writes RSA keys). */
    public Path writeRsaKey(Path file) throws Exception {
        // PKCS#8 is SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { PKCS#1 } }: take the octets
        byte[] der = key.getEncoded();
        int pos = skipHeader(der, 0);                 // into the outer SEQUENCE
        pos = skipElement(der, pos);                  // the version
        pos = skipElement(der, pos);                  // the algorithm
        int start = skipHeader(der, pos);             // into the OCTET STRING
        byte[] pkcs1 = java.util.Arrays.copyOfRange(der, start, der.length);
        Files.writeString(file, pem("RSA PRIVATE KEY", pkcs1), StandardCharsets.US_ASCII);
        return file;
    }

    private static int skipHeader(byte[] der, int pos) {
        int length = der[pos + 1] & 0xff;
        return pos + 2 + (length > 0x80 ? length - 0x80 : 0);
    }

    private static int skipElement(byte[] der, int pos) {
        int length = der[pos + 1] & 0xff;
        int header = 2;
        if (length > 0x80) {
            int n = length - 0x80;
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (der[pos + 2 + i] & 0xff);
            }
            header += n;
        }
        return pos + header + length;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** @return a client's TLS context that trusts this certificate and nothing else */
    public SSLContext trustingIt() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("plasmid-test", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** @return the base64 SHA-256 of the certificate's public key, as Chromium's SPKI allow-list takes it */
    public String spkiSha256() throws Exception {
        return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(certificate.getPublicKey().getEncoded()));
    }

    static List<Certificate> read(String pem) throws Exception {
        return List.copyOf(java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }
}
