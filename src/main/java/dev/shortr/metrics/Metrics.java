package dev.shortr.metrics;

import dev.shortr.http.Request;
import dev.shortr.http.RequestObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** The node's meter registry and the {@link RequestObserver} that times routed requests. */
public final class Metrics implements RequestObserver, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Text exposition for {@code /metrics}. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void observed(String method, String route, int status, long nanos, Request request) {
        String key = method + ' ' + route + ' ' + status;
        timers.computeIfAbsent(key, k -> Timer.builder("shortr.http.requests")
                .description("Routed HTTP requests (redirect cache hits are counted in shortr_redirects_total)")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A monotonically increasing count read from {@code source}. */
    public <T> void counter(String name, String help, T source, ToDoubleFunction<T> read, String... tags) {
        FunctionCounter.builder(name, source, read).description(help).tags(tags).register(registry);
    }

    /** A value read from {@code source} at scrape time. */
    public <T> void gauge(String name, String help, T source, ToDoubleFunction<T> read, String... tags) {
        Gauge.builder(name, source, read).description(help).tags(tags).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
