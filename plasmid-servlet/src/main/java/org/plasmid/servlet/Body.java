package org.plasmid.servlet;

/**
 * A request body read whole: the first {@code length} bytes of {@code bytes} (the array may be longer).
 *
 * @param bytes the buffer holding the body
 * @param length the body's length
 */
record Body(byte[] bytes, int length) {
    /** @return whether the body holds nothing but JSON whitespace */
    boolean isBlank() {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
