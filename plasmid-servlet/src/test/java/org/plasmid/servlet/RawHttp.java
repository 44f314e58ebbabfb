package org.plasmid.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a real socket, for tests that must send what no well-behaved
 * client would (broken header bytes, truncated and chunked bodies, encoded traversals) and that must come
 * from a chosen loopback address (127.0.0.x: Linux routes all of 127/8 to the loopback interface). Every
 * request is sent with {@code Connection: close}; a server that does not answer within the timeout fails
 * the test as a hang.
 */
final class RawHttp {
    private final int port;
    private final InetAddress from;
    private final int timeoutMillis;
    private final boolean halfClose;

    /**
     * A client that half-closes the connection once the request is sent.
     *
     * @param port the server's port on 127.0.0.1
     * @param from the local address to connect from, or null for any
     * @param timeoutMillis the longest wait for the whole answer
     */
    RawHttp(int port, InetAddress from, int timeoutMillis) {
        this(port, from, timeoutMillis, true);
    }

    /**
     * @param port the server's port on 127.0.0.1
     * @param from the local address to connect from, or null for any
     * @param timeoutMillis the longest wait for the whole answer
     * @param halfClose whether to half-close the connection once the request is sent, so that a truncated
     *     body ends in EOF rather than a wait; browsers never do, and Tomcat takes it for a client that has
     *     gone when it sees it during an asynchronous request, closing the connection before the answer
     */
    RawHttp(int port, InetAddress from, int timeoutMillis, boolean halfClose) {
        this.port = port;
        this.from = from;
        this.timeoutMillis = timeoutMillis;
        this.halfClose = halfClose;
    }

    /** A parsed answer; header names are lower-case. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + headers + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    /** The raw bytes of a request: a request line, header lines, and a body sent as given. */
    static final class Request {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        Request(String method, String target) {
            this(method, target, false);
        }

        /** @param keepAlive whether to leave out {@code Connection: close} (the answer is then chunked) */
        Request(String method, String target, boolean keepAlive) {
            ascii(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (keepAlive ? "" : "Connection: close\r\n"));
        }

        /** A header line written byte for byte (ISO-8859-1: one byte per char below 256). */
        Request header(String name, String value) {
            out.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        /** A header line with raw bytes as its value. */
        Request header(String name, byte[] value) {
            ascii(name + ": ");
            out.writeBytes(value);
            ascii("\r\n");
            return this;
        }

        /** Ends the head, with a Content-Length matching the body, and appends the body. */
        byte[] body(byte[] body) {
            return body(body, body.length);
        }

        /** Ends the head declaring {@code declaredLength}, then sends {@code body} (shorter: truncated). */
        byte[] body(byte[] body, long declaredLength) {
            ascii("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + declaredLength + "\r\n\r\n");
            out.writeBytes(body);
            return bytes();
        }

        /** Ends the head with {@code Transfer-Encoding: chunked} and sends the body in chunks of {@code size}. */
        byte[] chunked(byte[] body, int size, boolean terminate) {
            ascii("Content-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int off = 0; off < body.length; off += size) {
                int n = Math.min(size, body.length - off);
                ascii(Integer.toHexString(n) + "\r\n");
                out.write(body, off, n);
                ascii("\r\n");
            }
            if (terminate) {
                ascii("0\r\n\r\n");
            }
            return bytes();
        }

        /** Ends the head without a body. */
        byte[] end() {
            ascii("\r\n");
            return bytes();
        }

        private byte[] bytes() {
            return out.toByteArray();
        }

        private void ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Sends the bytes, half-closes the connection if asked to (so a truncated body ends in EOF rather than a
     * wait), and reads the answer until it is complete or the server closes the connection.
     *
     * @param request the raw request
     * @return the answer
     * @throws IOException if the connection fails or there is no complete answer in time
     */
    Response send(byte[] request) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                .equals("HEAD ");
        try (Socket s = new Socket()) {
            if (from != null) {
                s.bind(new InetSocketAddress(from, 0));
            }
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream o = s.getOutputStream();
            try {
                o.write(request);
                o.flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer and close before reading everything (413, 431): read what it said
            }
            Received all = new Received();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("no complete answer within " + timeoutMillis + " ms");
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    n = -1; // reset: the server closed (or aborted) the connection
                }
                if (n < 0) {
                    return parse(all.toByteArray(), true, head);
                }
                all.write(buf, 0, n);
                if (all.mayBeWhole(head)) {
                    Response r = parse(all.toByteArray(), false, head);
                    if (r != null) {
                        return r;
                    }
                }
            }
        }
    }

    /**
     * The bytes received so far, which can say cheaply whether they may hold a whole answer: a large answer
     * arrives in many reads, and parsing all of it again after each one would take quadratic time.
     */
    private static final class Received extends ByteArrayOutputStream {
        private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        /** @return false only if {@link RawHttp#parse} would surely find the answer incomplete */
        boolean mayBeWhole(boolean head) {
            int headEnd = indexOf(Arrays.copyOf(buf, Math.min(count, 65536)), HEAD_END, 0);
            if (headEnd < 0) {
                return count > 65536; // a head that large: let parse say what it is
            }
            if (head) {
                return true;
            }
            String h = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (h.contains("\r\ntransfer-encoding: chunked")) {
                return count >= headEnd + 4 + LAST_CHUNK.length
                        && Arrays.equals(buf, count - LAST_CHUNK.length, count, LAST_CHUNK, 0, LAST_CHUNK.length);
            }
            int cl = h.indexOf("\r\ncontent-length:");
            if (cl >= 0) {
                int eol = h.indexOf("\r\n", cl + 2);
                String value = h.substring(cl + 17, eol < 0 ? h.length() : eol).trim();
                return count >= headEnd + 4 + Long.parseLong(value);
            }
            return true;
        }
    }

    /** The answer is not complete (yet). */
    static final class CutShort extends IOException {
        private static final long serialVersionUID = 1L;

        CutShort(String message) {
            super(message);
        }
    }

    /**
     * @param raw the bytes received so far
     * @param eof whether the connection has ended
     * @param head whether it answers a HEAD request (no body whatever the headers say)
     * @return the answer, or null if it is not complete yet
     * @throws CutShort if the connection ended before the answer was complete
     */
    static Response parse(byte[] raw, boolean eof, boolean head) throws IOException {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headEnd < 0) {
            if (eof) {
                throw new CutShort("cut short: no complete response head in " + raw.length + " bytes: "
                        + new String(raw, StandardCharsets.ISO_8859_1));
            }
            return null;
        }
        String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
        int start = headEnd + 4;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        byte[] body;
        if (head || status == 204 || status == 304) {
            body = new byte[0];
        } else if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(raw, start);
        } else if (cl != null) {
            int length = Integer.parseInt(cl.get(0));
            body = raw.length - start < length ? null : Arrays.copyOfRange(raw, start, start + length);
        } else {
            body = eof ? Arrays.copyOfRange(raw, start, raw.length) : null; // the body ends with the connection
        }
        if (body == null) {
            if (eof) {
                throw new CutShort("body cut short: " + (raw.length - start) + " bytes" + (cl == null ? ""
                        : " of " + cl.get(0)) + (te == null ? "" : " (chunked, no terminating chunk)"));
            }
            return null;
        }
        return new Response(status, headers, body);
    }

    /** @return the decoded body, or null if its terminating chunk has not arrived */
    private static byte[] dechunk(byte[] raw, int pos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (true) {
            int eol = indexOf(raw, crlf, pos);
            if (eol < 0) {
                return null;
            }
            String sizeText = new String(raw, pos, eol - pos, StandardCharsets.US_ASCII);
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
            pos = eol + 2;
            if (size == 0) {
                return body.toByteArray();
            }
            if (pos + size + 2 > raw.length) {
                return null;
            }
            body.write(raw, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
