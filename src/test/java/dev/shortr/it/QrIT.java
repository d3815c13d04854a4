package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.ResultMetadataType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/** {@code GET /api/v1/links/{code}/qr}: images a real QR reader (ZXing) scans back to the link's short URL. */
class QrIT {
    private static final String QR = "/api/v1/links/qr0001/qr";
    private static final Pattern RUN = Pattern.compile("M(\\d+),(\\d+)h(\\d+)v1h-\\3z");

    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);
    static String shortUrl;

    @BeforeAll
    static void link() {
        shortUrl = node.createLink("qr0001", "https://example.com/printed/on/a/poster", null).get("shortUrl").asText();
    }

    @Test
    void aPngScansBackToTheShortUrlAtTheLevelAskedFor() {
        HttpResponse<byte[]> r = fetch(QR + "?format=png&size=300&ecc=H", node.adminKey());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(r.headers().firstValue("cache-control")).hasValue("private, max-age=300");
        BufferedImage img = png(r.body());
        assertThat(img.getWidth()).isEqualTo(300);
        assertThat(img.getHeight()).isEqualTo(300);
        Result scanned = scan(img);
        assertThat(scanned.getText()).isEqualTo(shortUrl);
        assertThat(scanned.getResultMetadata().get(ResultMetadataType.ERROR_CORRECTION_LEVEL)).isEqualTo("H");
    }

    @Test
    void pngModulesAreTheLargestWholeNumberOfPixelsThatFitsAndTheCodeIsCentred() {
        int size = 300;
        int margin = 4;
        BufferedImage img = png(fetch(QR + "?format=png&size=" + size + "&margin=" + margin, node.adminKey()).body());

        int[] box = darkBox(img); // left, top, right, bottom (inclusive)
        // the top-left finder pattern's top edge is a run of 7 dark modules
        int run = 0;
        while (dark(img, box[0] + run, box[1])) {
            run++;
        }
        assertThat(run % 7).as("finder pattern run of %d px", run).isZero();
        int scale = run / 7;
        int width = box[2] - box[0] + 1;
        assertThat(width % scale).isZero();
        int modules = width / scale;
        assertThat(scale).as("scale of a %d-module code with margin %d in %d px", modules, margin, size)
                .isEqualTo(size / (modules + 2 * margin));
        assertThat(box[0]).as("left border").isEqualTo((size - width) / 2).isGreaterThanOrEqualTo(margin * scale);
        assertThat(box[1]).as("top border").isEqualTo(box[0]);
        for (int y = 0; y < size; y++) {
            assertThat(img.getRGB(0, y) & 0xffffff).as("the left column is quiet zone").isEqualTo(0xffffff);
        }
    }

    @ParameterizedTest(name = "ecc={0}")
    @CsvSource({"L, L", "M, M", "Q, Q", "H, H", "q, Q", "h, H"})
    void theCodeHasExactlyTheErrorCorrectionAskedFor(String ecc, String level) {
        Result scanned = scan(png(fetch(QR + "?format=png&size=400&ecc=" + ecc, node.adminKey()).body()));
        assertThat(scanned.getText()).isEqualTo(shortUrl);
        assertThat(scanned.getResultMetadata().get(ResultMetadataType.ERROR_CORRECTION_LEVEL)).isEqualTo(level);
    }

    @Test
    void theDefaultIsASmallSvgOfOnePathThatScansBackToTheShortUrl() {
        HttpResponse<byte[]> r = fetch(QR, node.adminKey());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/svg+xml");
        assertThat(r.headers().firstValue("cache-control")).hasValue("private, max-age=300");
        assertThat(r.body().length).as("a path of runs, not a rect per module").isLessThan(8 * 1024);
        Element svg = xml(r.body()).getDocumentElement();
        assertThat(svg.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(svg.getLocalName()).isEqualTo("svg");
        assertThat(svg.getAttribute("width")).isEqualTo("256");
        assertThat(svg.getAttribute("height")).isEqualTo("256");
        assertThat(svg.getAttribute("shape-rendering")).isEqualTo("crispEdges");
        assertThat(svg.getElementsByTagNameNS("*", "path").getLength()).isEqualTo(1);
        assertThat(svg.getElementsByTagNameNS("*", "rect").getLength()).as("the white background").isEqualTo(1);

        assertThat(scan(rasterise(svg)).getText()).isEqualTo(shortUrl);
    }

    @Test
    void theSvgViewBoxCountsModulesWithTheMargin() {
        Element bare = xml(fetch(QR + "?margin=0&size=512", node.adminKey()).body()).getDocumentElement();
        Element wide = xml(fetch(QR + "?margin=16&size=512", node.adminKey()).body()).getDocumentElement();
        int modules = viewBoxSide(bare);
        assertThat(modules).as("a QR code is 21 + 4k modules wide").isBetween(21, 177).matches(n -> (n - 21) % 4 == 0);
        assertThat(viewBoxSide(wide)).isEqualTo(modules + 32);
        assertThat(bare.getAttribute("width")).isEqualTo("512");
        // the top-left finder pattern starts right at the margin
        assertThat(firstRun(bare)).containsExactly(0, 0, 7);
        assertThat(firstRun(wide)).containsExactly(16, 16, 7);
    }

    @Test
    void aConditionalGetOfAnUnchangedCodeIs304() {
        HttpResponse<byte[]> first = fetch(QR + "?format=png", node.adminKey());
        String etag = first.headers().firstValue("etag").orElseThrow(() -> new AssertionError("no ETag: " + first.headers().map()));

        HttpResponse<byte[]> again = fetch(QR + "?format=png", node.adminKey(), "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("etag")).hasValue(etag);
        assertThat(again.headers().firstValue("cache-control")).hasValue("private, max-age=300");

        HttpResponse<byte[]> other = fetch(QR + "?format=png&ecc=H", node.adminKey(), "If-None-Match", etag);
        assertThat(other.statusCode()).as("another image is another entity").isEqualTo(200);
    }

    @ParameterizedTest(name = "[{index}] ?{0}")
    @CsvSource(delimiter = '|', value = {
            "format=gif                    | format",
            "format=                       | format",
            "format=svg&format=png         | format",
            "size=63                       | size",
            "size=2049                     | size",
            "size=-1                       | size",
            "size=abc                      | size",
            "size=256.0                    | size",
            "size=1e3                      | size",
            "size=%2B256                   | size",
            "size=                         | size",
            "size=256&size=256             | size",
            "size=99999999999999999999     | size",
            "margin=-1                     | margin",
            "margin=17                     | margin",
            "margin=four                   | margin",
            "ecc=X                         | ecc",
            "ecc=LM                        | ecc",
            "ecc=                          | ecc",
            "ecc=H&ecc=h                   | ecc",
            "format=png&size=64&margin=16&ecc=H | size",
    })
    void aBadParameterIsA400NamingIt(String query, String field) {
        JsonNode p = assertProblem(node.admin("GET", QR + "?" + query, null), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo(field);
    }

    @Test
    void aCodeThatDoesNotExistIs404() {
        assertProblem(node.admin("GET", "/api/v1/links/nothere/qr", null), 404, "link-not-found");
    }

    @Test
    void anotherKeysLinkIs404AndAKeyWithoutLinksReadIs403() {
        String reader = node.mintKey("qr-reader", "links:read");
        assertProblem(node.api("GET", QR, reader, null), 404, "link-not-found");
        String stats = node.mintKey("qr-stats", "stats:read");
        assertProblem(node.api("GET", QR, stats, null), 403, "insufficient-scope");
    }

    @Test
    void noKeyIs401() {
        assertProblem(node.get(QR), 401, "unauthorized");
    }

    private static HttpResponse<byte[]> fetch(String pathAndQuery, String key, String... headers) {
        HttpRequest.Builder b = node.request(pathAndQuery).header("Authorization", "Bearer " + key).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return node.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static BufferedImage png(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(img).as("a PNG ImageIO can read").isNotNull();
            return img;
        } catch (IOException e) {
            throw new AssertionError("not a PNG", e);
        }
    }

    private static Result scan(BufferedImage img) {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(img)));
        try {
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
        } catch (NotFoundException e) {
            throw new AssertionError("ZXing found no QR code in the image", e);
        } catch (ReaderException e) {
            throw new AssertionError("ZXing could not read the QR code", e);
        }
    }

    private static boolean dark(BufferedImage img, int x, int y) {
        return (img.getRGB(x, y) & 0xffffff) == 0;
    }

    private static int[] darkBox(BufferedImage img) {
        int left = img.getWidth();
        int top = img.getHeight();
        int right = -1;
        int bottom = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (dark(img, x, y)) {
                    left = Math.min(left, x);
                    top = Math.min(top, y);
                    right = Math.max(right, x);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        assertThat(right).as("dark pixels in the image").isNotNegative();
        return new int[] {left, top, right, bottom};
    }

    /** Parsed as any client should parse markup from a server: namespace-aware, no DTDs, no external entities. */
    private static Document xml(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not XML: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    private static int viewBoxSide(Element svg) {
        String[] v = svg.getAttribute("viewBox").split(" ");
        assertThat(v).as("viewBox '%s'", svg.getAttribute("viewBox")).hasSize(4);
        assertThat(v[0] + " " + v[1]).isEqualTo("0 0");
        assertThat(v[2]).isEqualTo(v[3]);
        return Integer.parseInt(v[2]);
    }

    /** The path's runs of dark modules as {x, y, length}; fails unless the whole path is such runs. */
    private static List<int[]> runs(Element svg) {
        Element path = (Element) svg.getElementsByTagNameNS("*", "path").item(0);
        String d = path.getAttribute("d");
        Matcher m = RUN.matcher(d);
        List<int[]> out = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            assertThat(m.start()).as("path data is only runs: %s", d).isEqualTo(end);
            end = m.end();
            out.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        }
        assertThat(end).as("path data is only runs: %s", d).isEqualTo(d.length()).isPositive();
        return out;
    }

    private static int[] firstRun(Element svg) {
        return runs(svg).get(0);
    }

    /** Draws the path's runs 8 pixels per module on white, as a browser would with crisp edges. */
    private static BufferedImage rasterise(Element svg) {
        int side = viewBoxSide(svg);
        int scale = 8;
        BufferedImage img = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        for (int[] run : runs(svg)) {
            for (int y = run[1] * scale; y < (run[1] + 1) * scale; y++) {
                for (int x = run[0] * scale; x < (run[0] + run[2]) * scale; x++) {
                    img.getRaster().setSample(x, y, 0, 0);
                }
            }
        }
        return img;
    }
}
