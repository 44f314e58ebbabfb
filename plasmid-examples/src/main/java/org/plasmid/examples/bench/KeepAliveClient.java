package org.plasmid.examples.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 client on one keep-alive connection, for the benchmark: it measures the
 * server, not a general-purpose client's thread hand-offs (the JDK's HttpClient adds several context
 * switches per request, which dominate on a 2-core machine). It sends what Plasmid.js sends (Basic
 * credentials, {@code text/plain} JSON) and reads {@code Content-Length} and chunked answers. Not
 * thread-safe: one per client thread.
 */
final class KeepAliveClient implements AutoCloseable {
    /** An answer: status and body stream (closing it reads it to the end, freeing the connection). */
    record Answer(int status, InputStream body) {
    }

    private final URI base;
    private final String authorization;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reconnect;

    KeepAliveClient(URI base, String access, String secret) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    Answer get(String path) throws IOException {
        return send("GET", path, null);
    }

    Answer post(String path, byte[] body) throws IOException {
        return send("POST", path, body);
    }

    private Answer send(String method, String path, byte[] body) throws IOException {
        if (socket == null || socket.isClosed() || reconnect) {
            close();
            reconnect = false;
            connect();
        }
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(base.getPath()).append(path)
                .append(" HTTP/1.1\r\nHost: ").append(base.getHost()).append(':').append(base.getPort())
                .append("\r\nAuthorization: ").append(authorization).append("\r\n");
        if (body != null) {
            head.append("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            out.write(h);
        } else {
            byte[] all = new byte[h.length + body.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            out.write(all);
        }
        out.flush();
        return readAnswer();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private Answer readAnswer() throws IOException {
        String status = line();
        if (status.length() < 12 || !status.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String header;
        while (!(header = line()).isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                reconnect = true; // the server closes after this answer
            }
        }
        InputStream body = chunked ? new Chunked() : new Limited(Math.max(0, length));
        return new Answer(code, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** A body of known length. */
    private final class Limited extends InputStream {
        private long left;

        Limited(long length) {
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            left--;
            return in.read();
        }

        @Override
        public void close() throws IOException {
            if (left > 0) { // read whole (the usual case): nothing to skip, no buffer to make
                drain(this);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    /** A chunked body. */
    private final class Chunked extends InputStream {
        private long left;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                drain(this);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line().trim();
                int semi = size.indexOf(';');
                left = Long.parseLong(semi >= 0 ? size.substring(0, semi) : size, 16);
                if (left == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
                if (left == 0) {
                    line(); // the CRLF after the chunk
                }
            }
            return n;
        }
    }

    private static void drain(InputStream body) throws IOException {
        byte[] skip = new byte[8192];
        while (body.read(skip, 0, skip.length) != -1) {
            // discard the rest of the answer
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
