package org.plasmid.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
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
        if (h.length() < 6 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(h.substring(6).trim());
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
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
