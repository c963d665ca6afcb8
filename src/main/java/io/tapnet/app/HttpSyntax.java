package io.tapnet.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The lexical rules of HTTP/1.1 messages (RFC 9112, RFC 9110) that both client and server need. */
final class HttpSyntax {
    /** Longest header field line accepted; longer lines are answered with 431. */
    static final int MAX_FIELD_LINE = 16 * 1024;
    /** Most header field lines accepted in one message. */
    static final int MAX_FIELDS = 200;
    /** RFC 9110 section 5.6.7: IMF-fixdate, always in GMT with a two-digit day. */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpSyntax() {
    }

    /** RFC 9110 section 5.6.2: token = 1*tchar. */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTchar(char c) {
        return c < 127 && c > 32 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    /**
     * Reads one line ending in LF, without the LF and a CR before it (RFC 9112 section 2.2 lets a
     * recipient accept a bare LF). Bytes are ISO-8859-1, as field values are octets.
     *
     * @return the line, or null if the stream ended before its first byte
     * @throws HttpProtocolException {@code status} if the line exceeds {@code max} bytes
     */
    static String readLine(InputStream in, int max, int status, String what) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int n = line.size();
                byte[] bytes = line.toByteArray();
                if (n > 0 && bytes[n - 1] == '\r') {
                    n--;
                }
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= max) {
                throw new HttpProtocolException(status, what + " is longer than " + max + " bytes");
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new HttpProtocolException(400, "the connection closed in the middle of the " + what);
    }

    /**
     * Reads header field lines up to the empty line that ends them (RFC 9112 section 5) into {@code into}.
     * Rejects whitespace between a field name and its colon, and obsolete line folding.
     */
    static void readFields(InputStream in, HttpHeaders into, String what) throws IOException {
        for (int count = 0; ; count++) {
            String line = readLine(in, MAX_FIELD_LINE, 431, "a " + what + " field line");
            if (line == null) {
                throw new HttpProtocolException(400, "the connection closed before the end of the " + what);
            }
            if (line.isEmpty()) {
                return;
            }
            if (count >= MAX_FIELDS) {
                throw new HttpProtocolException(431, "more than " + MAX_FIELDS + " " + what + " fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new HttpProtocolException(400, "obsolete line folding in the " + what + " (RFC 9112 section 5.2)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpProtocolException(400, "a " + what + " line without 'name:': " + abbreviate(line));
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                throw new HttpProtocolException(400, "bad field name '" + abbreviate(name) + "' in the " + what
                        + (name.endsWith(" ") || name.endsWith("\t") ? " (no whitespace is allowed before the colon)" : ""));
            }
            String value = line.substring(colon + 1);
            if (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0) {
                throw new HttpProtocolException(400, "field " + name + " holds a NUL or CR");
            }
            into.add(name, value);
        }
    }

    /**
     * The message body length from Content-Length (RFC 9112 section 6.3 item 5), or -1 without one.
     * Repeated identical values (from a list or several lines) are accepted; differing ones are not.
     */
    static long contentLength(HttpHeaders headers) throws HttpProtocolException {
        long length = -1;
        for (String value : headers.all("Content-Length")) {
            for (String element : value.split(",")) {
                String digits = element.strip();
                long parsed;
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new HttpProtocolException(400, "bad Content-Length '" + abbreviate(value) + "'");
                }
                parsed = Long.parseLong(digits);
                if (length >= 0 && parsed != length) {
                    throw new HttpProtocolException(400, "conflicting Content-Length values " + length + " and " + parsed);
                }
                length = parsed;
            }
        }
        return length;
    }

    static String formatDate(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    /** An IMF-fixdate (the only form senders generate), or null when it is something else. */
    static Instant parseDate(String text) {
        if (text == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(text.strip(), IMF_FIXDATE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The standard reason phrase for {@code status} (RFC 9110 section 15), or "Unknown". */
    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Unknown";
        };
    }

    /** Whether a response with this status to this method never has content (RFC 9112 section 6.3 item 1). */
    static boolean hasNoContent(String method, int status) {
        return "HEAD".equals(method) || (status >= 100 && status < 200) || status == 204 || status == 304;
    }

    static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
