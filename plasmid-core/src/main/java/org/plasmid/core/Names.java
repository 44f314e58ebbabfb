package org.plasmid.core;

import org.jspecify.annotations.Nullable;

/** Validation of the names that reach the engine (PROTOCOL.md §4, §5). */
public final class Names {
    /** Longest store name or key, in UTF-16 units. */
    public static final int MAX_KEY_LENGTH = 1024;

    // Checked by hand, not by regular expressions: every request checks a database name and an access
    // token, and a cold server (a restart's reconnect storm) spent half a second of its two cores
    // compiling java.util.regex's matcher alone.
    private static final boolean[] NAME = chars("_-.");
    private static final boolean[] TOKEN = chars("_-.@+");
    private static final boolean[] WORD = chars("_");

    private Names() {
    }

    /**
     * A database name: 1–128 characters of {@code A-Z a-z 0-9 _ - .}, not starting with {@code .}. Such
     * a name can never address a file (no separators, no {@code ..}, no NUL).
     *
     * @param name the name to check
     * @return the name
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if it is not a valid name
     */
    public static String database(@Nullable String name) {
        if (!isDatabase(name)) {
            throw PlasmidException.invalid("invalid database name " + quote(name)
                    + ": use 1-128 characters of A-Z a-z 0-9 _ - . not starting with .");
        }
        return name;
    }

    /** @return whether {@code name} is a valid database name */
    public static boolean isDatabase(@Nullable String name) {
        return name != null && name.length() <= 128 && !name.startsWith(".") && allOf(NAME, name);
    }

    /**
     * An access token: 1–128 characters of {@code A-Z a-z 0-9 _ - . @ +}, not starting with {@code .}.
     *
     * @param access the token to check
     * @return the token
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if it is not valid
     */
    public static String access(@Nullable String access) {
        if (access == null || access.length() > 128 || access.startsWith(".") || !allOf(TOKEN, access)) {
            throw PlasmidException.invalid("invalid access token " + quote(access)
                    + ": use 1-128 characters of A-Z a-z 0-9 _ - . @ + not starting with .");
        }
        return access;
    }

    /**
     * A permission name in a grant: {@code *} or a word such as {@code ReadDatabase}.
     *
     * @param permission the name to check
     * @return the name
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if it is not valid
     */
    public static String permission(@Nullable String permission) {
        if (permission == null || !permission.equals("*") && (permission.length() > 64
                || !allOf(WORD, permission) || !isLetter(permission.charAt(0)))) {
            throw PlasmidException.invalid("invalid permission " + quote(permission));
        }
        return permission;
    }

    /**
     * A resource in a grant: {@code *}, a name, or a prefix pattern {@code name*}.
     *
     * @param resource the resource to check
     * @return the resource
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if it is not valid
     */
    public static String resource(@Nullable String resource) {
        if (resource == null || !resource.equals("*") && !isResourcePattern(resource)) {
            throw PlasmidException.invalid("invalid resource " + quote(resource)
                    + ": use *, a name, or a prefix followed by *");
        }
        return resource;
    }

    /**
     * A store name or key: a non-empty string of at most {@value #MAX_KEY_LENGTH} UTF-16 units that is
     * valid Unicode (no lone surrogates, which UTF-8 cannot carry).
     *
     * @param what "store" or "key", for the message
     * @param value the string to check
     * @return the string
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if it is not valid
     */
    public static String storeOrKey(String what, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            throw PlasmidException.invalid(what + " must be a non-empty string");
        }
        if (value.length() > MAX_KEY_LENGTH) {
            throw PlasmidException.invalid(what + " is longer than " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw PlasmidException.invalid(what + " contains a lone surrogate (not valid Unicode)");
            }
        }
        return value;
    }

    /** A name of 1–128 token characters, or such a name followed by {@code *}. */
    private static boolean isResourcePattern(String resource) {
        String name = resource.endsWith("*") ? resource.substring(0, resource.length() - 1) : resource;
        return name.length() <= 128 && allOf(TOKEN, name);
    }

    /** @return whether {@code s} is non-empty and every character is in {@code allowed} */
    private static boolean allOf(boolean[] allowed, String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= allowed.length || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    /** @return a table of the ASCII letters and digits and {@code others} */
    private static boolean[] chars(String others) {
        boolean[] t = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            t[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            t[c] = true;
            t[Character.toLowerCase(c)] = true;
        }
        for (char c : others.toCharArray()) {
            t[c] = true;
        }
        return t;
    }

    static String quote(@Nullable String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder("'");
        shown.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('\'').toString();
    }
}
