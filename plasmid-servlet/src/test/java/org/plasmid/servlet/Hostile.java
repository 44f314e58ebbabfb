package org.plasmid.servlet;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** Generators of hostile request parts: paths, names, revisions, credentials and bodies. */
final class Hostile {
    private Hostile() {
    }

    @SafeVarargs
    static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    static String repeat(Random r, String alphabet, int min, int max) {
        StringBuilder b = new StringBuilder();
        int n = min + r.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** The string's UTF-8 bytes as ISO-8859-1 chars: sends non-ASCII text raw in a request target. */
    static String rawUtf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Percent-encodes every UTF-8 byte except letters, digits and {@code keep}. */
    static String encode(String s, String keep) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || keep.indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    /** Percent-encodes all bytes except ASCII letters, digits and {@code _.-}; non-ASCII sometimes raw. */
    static String encodeName(Random r, String name) {
        switch (r.nextInt(4)) {
            case 0:
                return encode(name, "");  // every punctuation byte encoded, '.' included
            case 1: {
                StringBuilder b = new StringBuilder(); // non-ASCII raw (UTF-8 bytes), ASCII specials encoded
                name.codePoints().forEach(cp -> b.append(cp > 127 ? rawUtf8(Character.toString(cp))
                        : encode(Character.toString(cp), "_.-")));
                return b.toString();
            }
            default:
                return encode(name, "_.-");
        }
    }

    // ---- paths

    private static final String[] SEGMENTS = {"v1", "d", "a", "update", "clone", "notes", "x", "", "", ".", "..",
        "%2e", "%2e%2e", "%2E%2E", ".%2e", "%2f", "a%2fb", "%5c", "\\", "%00", "a%00b", "%ff", "%", "%zz", "%c3%a9",
        "%F0%9F%98%80", ";", ";x=y", "..;", "%3b", "*", "~", "CON", "NUL", "-1", "0", "1", "1e3",
        "99999999999999999999", "0x10", "?", "#", "%20", "+", "ReadDatabase", "%2A", "admin", "bob", "guest_x",
        "update%2f", "%u002e", "..%5c..", "%252e%252e", "%c0%ae%c0%ae"};

    /** A request target under the servlet: a mix of API words, traversals, encodings and junk. */
    static String path(Random r) {
        StringBuilder b = new StringBuilder(TestServer.API.substring(0, TestServer.API.length() - 3));
        b.append(pick(r, "v1/", "v1/", "v1/", "v1/", "v1/", "v2/", "", "v1//", "V1/", "v1/./", "v1/../v1/"));
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append('/');
            }
            int k = r.nextInt(20);
            if (k == 0) {
                b.append("x".repeat(100 + r.nextInt(3000)));
            } else if (k == 1) {
                b.append(rawUtf8(pick(r, "é", "日本", "😀", "\u202e", "\ufeff")));
            } else if (k == 2) {
                b.append(repeat(r, "abc.%/_-;~", 1, 12));
            } else {
                b.append(pick(r, SEGMENTS));
            }
        }
        if (r.nextInt(4) == 0) {
            b.append('/');
        }
        if (r.nextInt(5) == 0) {
            b.append(pick(r, "?limit=", "?wait=", "?limit=1&wait=", "?a=b&limit=", "?")).append(pick(r, "0", "1",
                    "-1", "x", "1e3", "0.05", "61", "", "%zz", "99999999999"));
        }
        return b.toString();
    }

    // ---- database names

    /** A database name, valid or hostile; see {@link org.plasmid.core.Names#isDatabase}. */
    static String name(Random r) {
        switch (r.nextInt(8)) {
            case 0:
            case 1:
                return repeat(r, "abcXYZ019_-", 1, 1) + repeat(r, "abcXYZ019_.-", 0, 20);
            case 2:
                return repeat(r, "abcdefghij", 128, 128 + (r.nextBoolean() ? 0 : 1 + r.nextInt(400)));
            case 3: {
                String valid = repeat(r, "abcd", 1, 8);
                int at = r.nextInt(valid.length() + 1);
                return valid.substring(0, at) + pick(r, "/", "\\", "\u0000", "..", "/../", " ", "é", ":", "%", "*",
                        "?", "#", ";", "\t", "\n", "\u202e", "😀") + valid.substring(at);
            }
            default:
                return pick(r, "..", ".", "...", "../x", "..\\x", "x/../y", "../../etc/passwd", "..%2f..", ".hidden",
                        "a/b", "a\\b", "a\u0000b", "\u0000", "é", "日本", "😀", "a b", "CON", "nul", "aux.txt",
                        "x:y", "~", "*", "?", "#", "a;b", "", "\t", "\r\n", "%2e%2e", "C:\\Windows", "/etc/passwd",
                        "\\\\server\\share", "..;", "notes", "notes.", "-", "_", "a".repeat(128), "\u00a0");
        }
    }

    // ---- revisions and query values

    /** A pull revision as text, valid ({@code [0-9]{1,18}}) or hostile. */
    static String revision(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Long.toString(r.nextInt(10));
            case 1:
                return Long.toString(Math.abs(r.nextLong()) % 1_000_000_000_000_000_000L);
            case 2:
                return "0".repeat(1 + r.nextInt(5)) + r.nextInt(100);
            default:
                return pick(r, "-1", "-0", "+1", "1e3", "1E3", "0x10", "1.0", "1.", ".1", " 1", "1 ", "١٢", "１",
                        "1000000000000000000", "99999999999999999999", "9223372036854775807", "9223372036854775808",
                        "abc", "NaN", "Infinity", "1_000", "1,000", "%", "\u0000", "1;x", "1/2", "", "0" .repeat(19),
                        "-9223372036854775808", "12345678901234567890123");
        }
    }

    static boolean isValidRevision(String s) {
        return s.matches("[0-9]{1,18}");
    }

    static String queryNumber(Random r) {
        return pick(r, "0", "1", "2", "5", "999999999", "1000000000", "-1", "x", "1e1", "1E-3", "0.05", "60",
                "60.0001", "61", "", "+5", "5.", ".5", "NaN", "Infinity", "0x1", "1 ", "١", "000", "007",
                "99999999999999999999999", "0.0000000000000000001");
    }

    static boolean isValidLimit(String s) {
        return s.matches("[0-9]{1,9}") && Integer.parseInt(s) > 0;
    }

    static boolean isValidWait(String s) {
        if (s.length() > 20) {
            return false;
        }
        try {
            BigDecimal d = new BigDecimal(s);
            return d.signum() > 0 && d.compareTo(BigDecimal.valueOf(60)) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    // ---- Authorization headers

    /** An Authorization header value (bytes, as sent) and whether it names right credentials. */
    record Credentials(String label, byte[] header, boolean valid) {
        @Override
        public String toString() {
            return label + ": " + new String(header, StandardCharsets.ISO_8859_1);
        }
    }

    static Credentials credentials(Random r, String access, String secret) {
        String right = access + ":" + secret;
        String b64 = b64(right.getBytes(StandardCharsets.UTF_8));
        switch (r.nextInt(24)) {
            case 0:
                return valid("plain", "Basic " + b64);
            case 1:
                return valid("lower-case scheme", "basic " + b64);
            case 2:
                return valid("upper-case scheme and spaces", "BASIC   " + b64 + "  ");
            case 3:
                return valid("unpadded", "Basic " + b64.replace("=", ""));
            case 4:
                return invalid("wrong secret", "Basic " + b64(access + ":" + secret + "x"));
            case 5:
                return invalid("unknown access", "Basic " + b64("nobody" + r.nextInt(1000) + ":" + secret));
            case 6:
                return invalid("no colon", "Basic " + b64(access + secret));
            case 7:
                return invalid("empty access", "Basic " + b64(":" + secret));
            case 8:
                return invalid("bad base64", "Basic " + b64.substring(0, b64.length() / 2) + pick(r, "!", "-", "_", "*",
                        "\u00e9") + b64.substring(b64.length() / 2));
            case 9: {
                byte[] bad = (access + ":" + secret).getBytes(StandardCharsets.UTF_8);
                bad[bad.length - 1] = (byte) (int) pick(r, 0xff, 0xc3, 0x80, 0xed);
                return invalid("non-UTF-8 secret", "Basic " + b64(bad));
            }
            case 10: {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                raw.writeBytes("Basic ".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 1 + r.nextInt(30); i++) {
                    raw.write(0x80 + r.nextInt(128));
                }
                return new Credentials("raw non-ASCII header bytes", raw.toByteArray(), false);
            }
            case 11:
                return invalid("other scheme", pick(r, "Bearer ", "Digest ", "Plasmid ", "Negotiate ") + b64);
            case 12:
                return invalid("scheme alone", pick(r, "Basic", "Basic ", "basic", ""));
            case 13:
                return invalid("tab after scheme", "Basic\t" + b64);
            case 14:
                return invalid("no scheme", b64);
            case 15:
                return invalid("scheme twice", "Basic Basic " + b64);
            case 16:
                return invalid("huge", "Basic " + "QUFB".repeat(2500 + r.nextInt(5000)));
            case 17:
                return invalid("long junk", "Basic " + b64(repeat(r, "abcdef:", 100, 3000)));
            case 18:
                return invalid("NUL in secret", "Basic " + b64(right + "\u0000"));
            case 19:
                return invalid("secret with a BOM", "Basic " + b64(access + ":\ufeff" + secret));
            case 20:
                return invalid("access with trailing space", "Basic " + b64(access + " :" + secret));
            case 21:
                return invalid("secret over 1024 chars", "Basic " + b64(access + ":" + secret + "x".repeat(1100)));
            case 22:
                return invalid("control character", "Basic " + b64 + pick(r, "\u0001", "\u007f", "\u0000"));
            default:
                return invalid("secret as access", "Basic " + b64(secret + ":" + access));
        }
    }

    private static Credentials valid(String label, String header) {
        return new Credentials(label, header.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    private static Credentials invalid(String label, String header) {
        return new Credentials(label, header.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    // ---- JSON values and bodies

    /** A JSON value of at most {@code depth} nesting: big and odd numbers, unicode, duplicate keys. */
    static String value(Random r, int depth) {
        int k = r.nextInt(depth <= 0 ? 6 : 9);
        switch (k) {
            case 0:
                return pick(r, "0", "-0", "1", "-1", "3.14", "1e308", "1E-400", "-1.5e+10", "123456789012345678901234567890",
                        "0.000000000000000000000000001", "9" .repeat(300));
            case 1:
                return "\"" + pick(r, "", "x", "é", "日本語", "😀", "\\u0000", "\\ud83d\\ude00", "\\\"quoted\\\"", "\\\\",
                        "line\\nbreak", "\\u202e", "<script>", "'; DROP TABLE x; --") + "\"";
            case 2:
                return pick(r, "true", "false", "null");
            case 3:
                return "\"" + repeat(r, "abcdefgh ", 0, 200) + "\"";
            case 4:
                return "{}";
            case 5:
                return "[]";
            case 6: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(value(r, depth - 1));
                }
                return b.append(']').toString();
            }
            default: {
                StringBuilder b = new StringBuilder("{");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    String key = r.nextInt(4) == 0 ? "dup" : repeat(r, "abc", 1, 3);
                    b.append(i == 0 ? "" : ",").append('"').append(key).append("\":").append(value(r, depth - 1));
                }
                return b.append('}').toString();
            }
        }
    }

    /** A valid push's {@code data}: 1-3 stores of 1-4 keys (unicode allowed), with values or deletions. */
    static String data(Random r, int depth) {
        StringBuilder b = new StringBuilder("{");
        for (int s = 0, stores = 1 + r.nextInt(3); s < stores; s++) {
            b.append(s == 0 ? "" : ",").append('"').append(pick(r, "s", "t", "日本", "store" + s)).append(s)
                    .append("\":{");
            for (int i = 0, keys = 1 + r.nextInt(4); i < keys; i++) {
                b.append(i == 0 ? "" : ",").append('"').append(pick(r, "k", "é", "😀", "key with space", "x")).append(i)
                        .append("\":").append(r.nextInt(8) == 0 ? "null" : value(r, depth));
            }
            b.append('}');
        }
        return b.append('}').toString();
    }
}
