package dev.shortr.it;

import dev.shortr.config.ShortrConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestNode} per test class, over its own temporary data directory:
 * {@code @RegisterExtension static final PerClassNode shared = new PerClassNode(n -> node = n);}
 */
final class PerClassNode implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<ShortrConfig> tweak;
    private final Consumer<TestNode> started;
    private Path dir;
    private TestNode node;
    /** The class that started the node; @Nested classes inherit the extension and must not restart it. */
    private Class<?> owner;

    PerClassNode(Consumer<TestNode> started) {
        this(c -> c, started);
    }

    PerClassNode(UnaryOperator<ShortrConfig> tweak, Consumer<TestNode> started) {
        this.tweak = tweak;
        this.started = started;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        dir = Files.createTempDirectory("shortr-it-");
        node = TestNode.start(dir, tweak);
        started.accept(node);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        if (node != null) {
            node.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
