package dev.shortr.api;

import io.nayuki.qrcodegen.QrCode;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A QR code drawn as an image, {@code size} pixels square with a quiet zone of at least {@code margin} white
 * modules around it. Pure: bytes out of modules, nothing touches a disk or a display.
 */
final class QrImage {
    enum Format {
        SVG("image/svg+xml"), PNG("image/png");

        final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    private QrImage() {}

    static byte[] render(Format format, QrCode qr, int margin, int size) {
        return switch (format) {
            case SVG -> svg(qr, margin, size);
            case PNG -> png(qr, margin, size);
        };
    }

    /** Modules across the image: the code and its quiet zone on both sides. */
    static int modules(QrCode qr, int margin) {
        return qr.size + 2 * margin;
    }

    /**
     * A vector image: the viewBox counts modules, a white square under one path of dark modules, each row's
     * runs as {@code Mx,yhNv1h-Nz}. Scales to any size without blur.
     */
    static byte[] svg(QrCode qr, int margin, int size) {
        int n = modules(qr, margin);
        StringBuilder d = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            int x = 0;
            while (x < qr.size) {
                if (!qr.getModule(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < qr.size && qr.getModule(x, y)) {
                    x++;
                }
                int run = x - start;
                d.append('M').append(start + margin).append(',').append(y + margin)
                        .append('h').append(run).append("v1h-").append(run).append('z');
            }
        }
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size + "\" height=\"" + size
                + "\" viewBox=\"0 0 " + n + " " + n + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"" + n + "\" height=\"" + n + "\" fill=\"#fff\"/>"
                + "<path d=\"" + d + "\" fill=\"#000\"/></svg>\n";
        return svg.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A 1-bit PNG exactly {@code size} pixels square. Each module is {@code scale} pixels, the largest whole
     * number that fits the code and its margin, so edges stay sharp; the pixels left over widen the white
     * border evenly. The caller ensures {@code size >= modules(qr, margin)}.
     */
    static byte[] png(QrCode qr, int margin, int size) {
        int scale = size / modules(qr, margin);
        if (scale < 1) {
            throw new IllegalArgumentException("size " + size + " < " + modules(qr, margin) + " modules");
        }
        int offset = (size - qr.size * scale) / 2;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY); // palette: 0 black, 1 white
        WritableRaster raster = img.getRaster();
        int[] row = new int[size];
        int rowModule = Integer.MIN_VALUE;
        for (int py = 0; py < size; py++) {
            int my = Math.floorDiv(py - offset, scale);
            if (my != rowModule) {
                for (int px = 0; px < size; px++) {
                    // getModule answers false (light) outside the code, which draws the quiet zone
                    row[px] = qr.getModule(Math.floorDiv(px - offset, scale), my) ? 0 : 1;
                }
                rowModule = my;
            }
            raster.setPixels(0, py, size, 1, row);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        // an explicit in-memory stream: ImageIO's default may cache through a temporary file
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(img, "png", ios)) {
                throw new IllegalStateException("this JDK has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory", e);
        }
        return out.toByteArray();
    }
}
