package dev.shortr.probe;

/** A layer that could not be completed: which, and one line saying why. Ends the visit. */
final class LayerFailure extends Exception {
    private final Layer layer;

    LayerFailure(Layer layer, String message) {
        super(message, null, false, false); // never printed with a trace
        this.layer = layer;
    }

    Layer layer() {
        return layer;
    }

    Measurement.Failed failed() {
        return new Measurement.Failed(layer, getMessage());
    }
}
