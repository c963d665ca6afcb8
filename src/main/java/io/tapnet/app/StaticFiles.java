package io.tapnet.app;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the files under one directory, for GET and HEAD: Content-Type by extension, Content-Length,
 * Last-Modified and ETag with conditional requests (304), single byte ranges (206), an index.html or a
 * listing for directories, and nothing outside the directory.
 *
 * <p>Containment: the path is percent-decoded first and then split, so an encoded {@code %2e%2e%2f}
 * is caught like {@code ../}; a {@code ..} that would climb above the root is answered with 400, and a
 * symbolic link that leads out of the root with 403. Files are streamed from disk as they are sent, so
 * their size is not limited by memory.
 */
public final class StaticFiles implements HttpServer.Handler {
    private static final String ALLOW = "GET, HEAD, OPTIONS";

    private final Path root;
    private final String mount;
    private final boolean listDirectories;

    /**
     * @param root            the directory to serve
     * @param mount           the path prefix it is served under ({@code /} for the whole site)
     * @param listDirectories whether a directory without index.html gets a generated listing
     *                        (otherwise 403)
     * @throws IOException if {@code root} is not a directory
     */
    public StaticFiles(Path root, String mount, boolean listDirectories) throws IOException {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException(root + " is not a directory");
        }
        this.root = real;
        this.mount = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
        this.listDirectories = listDirectories;
    }

    /** The whole directory under {@code /}, with listings. */
    public StaticFiles(Path root) throws IOException {
        this(root, "/", true);
    }

    public Path root() {
        return root;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        String method = request.method();
        if (method.equals("OPTIONS")) {
            return new HttpResponse(204).header("Allow", ALLOW);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return HttpResponse.text(405, method + " is not allowed here; static files answer " + ALLOW + "\n")
                    .header("Allow", ALLOW);
        }
        String path = request.path();
        if (!path.startsWith(mount)) {
            return notFound(path);
        }
        Path target;
        try {
            target = resolve(path.substring(mount.length()));
        } catch (IllegalArgumentException e) {
            return HttpResponse.text(400, "bad path: " + e.getMessage() + "\n");
        }
        BasicFileAttributes attributes;
        Path real;
        try {
            real = target.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return notFound(path);
        }
        if (!real.startsWith(root)) {
            return HttpResponse.text(403, "forbidden: " + path + " leads outside the served directory\n");
        }
        if (attributes.isDirectory()) {
            if (!path.endsWith("/")) {
                String location = path + "/" + (request.query() == null ? "" : "?" + request.query());
                return HttpResponse.text(301, "moved to " + location + "\n").header("Location", location);
            }
            Path index = real.resolve("index.html");
            if (Files.isRegularFile(index)) {
                Path realIndex = index.toRealPath();
                if (realIndex.startsWith(root)) {
                    return file(request, realIndex, Files.readAttributes(realIndex, BasicFileAttributes.class));
                }
            }
            if (!listDirectories) {
                return HttpResponse.text(403, "forbidden: directory listing is off\n");
            }
            return listing(path, real);
        }
        if (!attributes.isRegularFile() || !Files.isReadable(real)) {
            return HttpResponse.text(403, "forbidden: " + path + " is not a readable file\n");
        }
        return file(request, real, attributes);
    }

    /** The file a decoded, normalised path names under the root; throws on paths that climb out. */
    private Path resolve(String encodedPath) {
        String decoded = UriPaths.decode(encodedPath);
        if (decoded.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in the path");
        }
        if (decoded.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("backslash in the path");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : decoded.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw new IllegalArgumentException("'..' leads above the served directory");
                }
                segments.removeLast();
            } else {
                segments.add(segment);
            }
        }
        Path target = root;
        for (String segment : segments) {
            target = target.resolve(segment);
        }
        if (!target.normalize().startsWith(root)) {
            throw new IllegalArgumentException("the path leads above the served directory");
        }
        return target;
    }

    private HttpResponse file(HttpRequest request, Path file, BasicFileAttributes attributes) {
        long size = attributes.size();
        Instant modified = attributes.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
        String lastModified = HttpSyntax.formatDate(modified);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "\"";
        String type = ContentTypes.of(file.getFileName().toString());
        HttpHeaders headers = request.headers();

        String ifNoneMatch = headers.first("If-None-Match");
        Instant ifModifiedSince = HttpSyntax.parseDate(headers.first("If-Modified-Since"));
        boolean notModified = ifNoneMatch != null
                ? ifNoneMatch.strip().equals("*") || headers.tokens("If-None-Match").contains(etag)
                : ifModifiedSince != null && !modified.isAfter(ifModifiedSince);
        if (notModified) {
            return new HttpResponse(304).header("Last-Modified", lastModified).header("ETag", etag);
        }

        String range = headers.first("Range");
        String ifRange = headers.first("If-Range");
        if (range != null && request.method().equals("GET")
                && (ifRange == null || ifRange.strip().equals(etag) || ifRange.strip().equals(lastModified))) {
            long[] span = ByteRange.parse(range, size);
            if (span == ByteRange.UNSATISFIABLE) {
                return HttpResponse.text(416, "range " + range + " is outside the file's " + size + " bytes\n")
                        .header("Content-Range", "bytes */" + size);
            }
            if (span != null) {
                return new HttpResponse(206)
                        .header("Content-Type", type)
                        .header("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size)
                        .header("Last-Modified", lastModified)
                        .header("ETag", etag)
                        .header("Accept-Ranges", "bytes")
                        .body(HttpResponse.fileBody(file, span[0], span[1] - span[0] + 1));
            }
        }
        return new HttpResponse(200)
                .header("Content-Type", type)
                .header("Last-Modified", lastModified)
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .body(HttpResponse.fileBody(file, 0, size));
    }

    private HttpResponse listing(String path, Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                names.add(Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? name + "/" : name);
            }
        }
        names.sort(String::compareTo);
        String title = "Index of " + Html.escape(UriPaths.decode(path));
        StringBuilder html = new StringBuilder(256 + names.size() * 64);
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body><h1>").append(title).append("</h1>\n<ul>\n");
        if (!path.equals(mount + "/") && !path.equals("/")) {
            html.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (String name : names) {
            boolean dir = name.endsWith("/");
            String bare = dir ? name.substring(0, name.length() - 1) : name;
            html.append("<li><a href=\"").append(UriPaths.encodeSegment(bare)).append(dir ? "/" : "").append("\">")
                    .append(Html.escape(name)).append("</a></li>\n");
        }
        html.append("</ul></body></html>\n");
        return HttpResponse.html(200, html.toString());
    }

    private static HttpResponse notFound(String path) {
        return HttpResponse.text(404, "not found: " + path + "\n");
    }

    /** Escaping for text inside HTML elements and attribute values. */
    static final class Html {
        private Html() {
        }

        static String escape(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
            }
            return out.toString();
        }
    }
}
