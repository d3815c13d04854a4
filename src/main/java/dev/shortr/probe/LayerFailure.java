package dev.shortr.probe;

/** A layer that could not be completed: which, and one line saying why. Ends the visit. */
final class LayerFailure extends Exception {
    private final Layer layer;
    private final Measurement.Tls tls;

    LayerFailure(Layer layer, String message) {
        this(layer, message, null);
    }

    /** @param tls what a failed handshake showed of the server (its chain, why it was refused), or null */
    LayerFailure(Layer layer, String message, Measurement.Tls tls) {
        super(message, null, false, false); // never printed with a trace
        this.layer = layer;
        this.tls = tls;
    }

    Measurement.Tls tls() {
        return tls;
    }

    Layer layer() {
        return layer;
    }

    Measurement.Failed failed() {
        return new Measurement.Failed(layer, getMessage());
    }
}
