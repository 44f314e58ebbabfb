package org.plasmid.examples.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The certificate and key an HTTPS server presents, loaded and checked before the server starts, so that
 * a wrong password or an unreadable key is one clear message: a PKCS12 keystore with its password (and
 * the alias of its key entry when it holds several), or a PEM chain with its private key as Let's Encrypt
 * issues them ({@link PemFiles}).
 */
public final class ServerTls {
    private final KeyStore keyStore;
    private final char[] password;
    private final String alias;
    private final String source;

    private ServerTls(KeyStore keyStore, char[] password, String alias, String source) {
        this.keyStore = keyStore;
        this.password = password;
        this.alias = alias;
        this.source = source;
    }

    /**
     * @param file a PKCS12 keystore
     * @param password its password (also its key's)
     * @param alias the key entry to use, or null when it holds exactly one
     * @return the loaded keystore
     * @throws IOException if it cannot be read, the password is wrong, or the entry is missing or ambiguous
     */
    public static ServerTls keyStore(Path file, char[] password, String alias) throws IOException {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IOException("cannot open keystore " + file + ": the password in PLASMID_TLS_KEYSTORE_PASSWORD "
                        + "is wrong", e);
            }
            if (!Files.isReadable(file)) {
                throw new IOException("cannot read keystore " + file + ": " + e, e);
            }
            throw new IOException("cannot read keystore " + file + " as PKCS12: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore " + file + " as PKCS12: " + e.getMessage(), e);
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    keys.add(a);
                }
            }
            String chosen;
            if (alias != null) {
                if (!ks.isKeyEntry(alias)) {
                    throw new IOException("keystore " + file + " has no key entry named " + alias + " (--tls-alias); it has "
                            + (keys.isEmpty() ? "none" : String.join(", ", keys)));
                }
                chosen = alias;
            } else if (keys.size() == 1) {
                chosen = keys.get(0);
            } else {
                throw new IOException("keystore " + file + " holds " + keys.size() + " key entries"
                        + (keys.isEmpty() ? "" : " (" + String.join(", ", keys) + "); choose one with --tls-alias"));
            }
            if (!(ks.getKey(chosen, password) instanceof PrivateKey)) {
                throw new IOException("keystore " + file + ": entry " + chosen + " holds no private key");
            }
            return new ServerTls(ks, password, chosen, "keystore " + file);
        } catch (UnrecoverableKeyException e) {
            throw new IOException("keystore " + file + ": the key's password differs from the keystore's "
                    + "(PLASMID_TLS_KEYSTORE_PASSWORD must open both)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param chainFile the certificate chain, the server's certificate first ({@code fullchain.pem})
     * @param keyFile its private key ({@code privkey.pem})
     * @return the pair, checked to belong together
     * @throws IOException if either cannot be read, or the key is not the certificate's
     */
    public static ServerTls pem(Path chainFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = PemFiles.chain(chainFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IOException("--tls-key " + keyFile + " is not the key of the first certificate in " + chainFile);
        }
        char[] password = new char[24];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("plasmid", key, password, chain.toArray(new X509Certificate[0]));
            return new ServerTls(ks, password, "plasmid", chainFile + " and " + keyFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = {1, 2, 3, 4};
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** @return Jetty's TLS set up with this certificate and key */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(alias);
        return ssl;
    }

    @Override
    public String toString() {
        return source;
    }
}
