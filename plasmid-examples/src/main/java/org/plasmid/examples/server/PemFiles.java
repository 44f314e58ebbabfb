package org.plasmid.examples.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a certificate chain and its private key from PEM files as Let's Encrypt and openssl write them,
 * with the JDK alone: the chain ({@code fullchain.pem}: the server's certificate first) and a key in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}). Encrypted keys and other formats are refused with a message that says
 * how to convert them.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem";

    private PemFiles() {
    }

    /**
     * @param file a PEM file of certificates, the server's first
     * @return the chain
     * @throws IOException if the file cannot be read or holds no certificate
     */
    static List<X509Certificate> chain(Path file) throws IOException {
        String text = read(file, "certificate");
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException("--tls-cert " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IOException("--tls-cert " + file + " holds no certificate");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IOException("--tls-cert " + file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a PEM file with one private key
     * @return the key
     * @throws IOException if the file cannot be read, or holds no key this reader understands (the message
     *     says how to convert it)
     */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = read(file, "key");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("CERTIFICATE")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IOException("--tls-key " + file + ": its " + type + " is not valid base64");
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(file, der);
                case "RSA PRIVATE KEY":
                    return pkcs8(file, wrap(Der.sequence(Der.oid(RSA_OID), Der.NULL), der));
                case "EC PRIVATE KEY":
                    return pkcs8(file, wrap(Der.sequence(Der.oid(EC_OID), curveOf(file, der)), der));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException("--tls-key " + file + " is encrypted: give the server an unencrypted key, "
                            + "readable only by its user (" + CONVERT.replace("KEY", file.toString()) + ")");
                default:
                    throw new IOException("--tls-key " + file + " holds a " + type + ", not a PEM private key; "
                            + CONVERT.replace("KEY", file.toString()));
            }
        }
        throw new IOException("--tls-key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static final byte[] RSA_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** PKCS#8: SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { the traditional key } }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return Der.sequence(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.tlv(0x04, key));
    }

    /** The named curve of a SEC1 key: its {@code [0]} parameters, an OID. */
    private static byte[] curveOf(Path file, byte[] sec1) throws IOException {
        try {
            Der in = new Der(sec1, 0);
            Der seq = in.child(0x30);
            seq.skip(0x02); // version
            seq.skip(0x04); // the private key
            while (seq.more()) {
                int tag = seq.peek();
                if (tag == 0xa0) {
                    Der params = seq.child(0xa0);
                    return Der.tlv(0x06, params.value(0x06));
                }
                seq.skip(tag);
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // said below
        }
        throw new IOException("--tls-key " + file + ": its EC PRIVATE KEY names no curve; "
                + CONVERT.replace("KEY", file.toString()));
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new IOException("--tls-key " + file + " holds a private key of a kind Java cannot read (RSA, EC and "
                + "Ed25519 are read); " + CONVERT.replace("KEY", file.toString()));
    }

    private static String read(Path file, String what) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read the " + what + " file " + file + ": " + e, e);
        }
    }

    /** Just enough DER to wrap a traditional key into PKCS#8 and to find a SEC1 key's curve. */
    private static final class Der {
        static final byte[] NULL = {0x05, 0x00};
        private final byte[] data;
        private int pos;
        private final int end;

        Der(byte[] data, int pos) {
            this(data, pos, data.length);
        }

        private Der(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int peek() {
            return data[pos] & 0xff;
        }

        /** @return the contents of the next element, which must have this tag */
        byte[] value(int tag) {
            int[] bounds = next(tag);
            return java.util.Arrays.copyOfRange(data, bounds[0], bounds[1]);
        }

        Der child(int tag) {
            int[] bounds = next(tag);
            return new Der(data, bounds[0], bounds[1]);
        }

        void skip(int tag) {
            next(tag);
        }

        private int[] next(int tag) {
            if (peek() != tag) {
                throw new IllegalArgumentException("unexpected tag " + peek());
            }
            pos++;
            int length = data[pos++] & 0xff;
            if (length > 0x80) {
                int n = length - 0x80;
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (data[pos++] & 0xff);
                }
            }
            int start = pos;
            pos += length;
            if (pos > end) {
                throw new IllegalArgumentException("truncated");
            }
            return new int[] {start, pos};
        }

        static byte[] oid(byte[] body) {
            return tlv(0x06, body);
        }

        static byte[] sequence(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return tlv(0x30, out.toByteArray());
        }

        static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
            out.write(tag);
            int n = value.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else if (n < 0x10000) {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n);
            } else {
                out.write(0x83);
                out.write(n >> 16);
                out.write(n >> 8);
                out.write(n);
            }
            out.writeBytes(value);
            return out.toByteArray();
        }
    }
}
