package dev.shortr.api;

import dev.shortr.auth.Scope;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import dev.shortr.link.Link;
import dev.shortr.link.Links;
import io.nayuki.qrcodegen.QrCode;
import io.nayuki.qrcodegen.QrSegment;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/v1/links/{code}/qr}: the link's short URL as a QR code, SVG or PNG. It encodes the same
 * {@code shortUrl} the link's JSON shows, so what a phone scans and what the API says always agree.
 */
final class QrApi {
    static final int MIN_SIZE = 64;
    static final int MAX_SIZE = 2048;
    static final int MAX_MARGIN = 16;

    private final Links links;
    private final Guard guard;
    private final String publicUrl;

    QrApi(Links links, Guard guard, String publicUrl) {
        this.links = links;
        this.guard = guard;
        this.publicUrl = publicUrl;
    }

    void routes(Router r) {
        r.add("GET", "/api/v1/links/{code}/qr", "A link's short URL as a QR code (SVG or PNG)", guard.require(Scope.LINKS_READ, this::qr));
    }

    /** The image a request asks for. Each parameter may appear once; a bad one is a 400 that names it. */
    record Options(QrImage.Format format, int size, int margin, QrCode.Ecc ecc) {
        static Options of(Request req) {
            return new Options(QrApi.format(single(req, "format")), number(req, "size", 256, MIN_SIZE, MAX_SIZE),
                    number(req, "margin", 4, 0, MAX_MARGIN), QrApi.ecc(single(req, "ecc")));
        }
    }

    private Reply qr(Request req, Caller caller) {
        // parameters first: a bad one is refused before the store is asked anything
        Options o = Options.of(req);
        Link l = LinksApi.visible(links, req, caller);
        String text = LinkJson.shortUrl(l, req.baseUrl(publicUrl));
        // boostEcl false: the code has exactly the level asked for, not a higher one that happens to fit
        QrCode qr = QrCode.encodeSegments(QrSegment.makeSegments(text), o.ecc(), QrCode.MIN_VERSION, QrCode.MAX_VERSION, -1, false);
        int modules = QrImage.modules(qr, o.margin());
        if (o.format() == QrImage.Format.PNG && modules > o.size()) {
            throw Json.invalid("size", "this code is " + modules + " modules wide with its margin, so its PNG needs a size of at least "
                    + modules + "; ask for a larger size or a smaller margin");
        }
        return Reply.of(200, o.format().mediaType, QrImage.render(o.format(), qr, o.margin(), o.size()))
                .header("cache-control", "private, max-age=300");
    }

    /** The one value of {@code name}, or null when absent. */
    private static String single(Request req, String name) {
        List<String> values = req.query().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw Json.invalid(name, name + " must be given once, got " + values.size() + " values");
        }
        return values.get(0);
    }

    private static int number(Request req, String name, int dflt, int min, int max) {
        String v = single(req, name);
        if (v == null) {
            return dflt;
        }
        if (v.matches("[0-9]{1,9}")) {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw Json.invalid(name, name + " must be a whole number from " + min + " to " + max);
    }

    private static QrImage.Format format(String v) {
        if (v == null) {
            return QrImage.Format.SVG;
        }
        return switch (v) {
            case "svg" -> QrImage.Format.SVG;
            case "png" -> QrImage.Format.PNG;
            default -> throw Json.invalid("format", "format must be svg or png");
        };
    }

    private static QrCode.Ecc ecc(String v) {
        if (v == null) {
            return QrCode.Ecc.MEDIUM;
        }
        return switch (v.toUpperCase(Locale.ROOT)) {
            case "L" -> QrCode.Ecc.LOW;
            case "M" -> QrCode.Ecc.MEDIUM;
            case "Q" -> QrCode.Ecc.QUARTILE;
            case "H" -> QrCode.Ecc.HIGH;
            default -> throw Json.invalid("ecc", "ecc must be L, M, Q or H (7, 15, 25 or 30 % of the code may be damaged)");
        };
    }
}
