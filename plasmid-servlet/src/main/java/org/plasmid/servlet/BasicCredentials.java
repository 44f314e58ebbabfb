package org.plasmid.servlet;

import com.google.common.base.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The access token and secret of an {@code Authorization: Basic base64(access ":" secret)} header,
 * decoded as UTF-8 (PROTOCOL.md §3). The secret never appears in {@link #toString()}.
 */
final class BasicCredentials {
    private final String access;
    private final String secret;

    private BasicCredentials(String access, String secret) {
        this.access = access;
        this.secret = secret;
    }

    /**
     * @param header the {@code Authorization} header, or null
     * @return the credentials, or empty if the header is missing or malformed
     */
    static Optional<BasicCredentials> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "basic ", 0, 6)) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(h.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!Utf8.isWellFormed(raw)) {
            return Optional.empty();
        }
        String decoded = new String(raw, StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    String access() {
        return access;
    }

    String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "BasicCredentials[" + access + "]";
    }
}
