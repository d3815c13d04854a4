package dev.shortr.ui;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The UI's static files, read from the class path once at start-up. Each is served under a name that carries
 * a hash of its content ({@code app.3f9c2a71b0.js}), so it can be cached for a year as immutable: a new
 * release has new names. Each is kept as is and gzipped (level 9, once), and sent gzipped to clients that
 * accept it.
 */
final class Assets {
    /** One file: its public (hashed) name, media type, bytes, gzipped bytes and entity tag. */
    record Asset(String name, String contentType, byte[] plain, byte[] gzip, String etag) {}

    private final Map<String, Asset> byLogical = new LinkedHashMap<>();
    private final Map<String, Asset> byName = new LinkedHashMap<>();

    /** Loads {@code logical name -> class-path resource} pairs; a missing resource is a packaging bug. */
    static Assets load(Map<String, String> resources) {
        Assets a = new Assets();
        resources.forEach((logical, resource) -> a.add(logical, read(resource)));
        return a;
    }

    private void add(String logical, byte[] content) {
        String hash = HexFormat.of().formatHex(sha256(content), 0, 5);
        int dot = logical.indexOf('.');
        String name = logical.substring(0, dot) + "." + hash + logical.substring(dot);
        Asset asset = new Asset(name, contentType(logical), content, gzip(content), "\"" + hash + "\"");
        byLogical.put(logical, asset);
        byName.put(name, asset);
    }

    /** The public path of a file by its logical name ({@code app.js}). */
    String path(String logical) {
        Asset a = byLogical.get(logical);
        if (a == null) {
            throw new IllegalArgumentException("no UI asset " + logical);
        }
        return "/ui/assets/" + a.name();
    }

    /** The file served under {@code name}, or null. */
    Asset byName(String name) {
        return byName.get(name);
    }

    Map<String, Asset> all() {
        return byLogical;
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        }
        throw new IllegalArgumentException("no media type for " + name);
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("UI resource missing from the class path: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(9);
            }
        }) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
