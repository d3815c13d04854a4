package dev.shortr.probe;

/** The layers of one visit, in order. QUIC stands for TCP and TLS together under HTTP/3. */
public enum Layer {
    DNS, TCP, TLS, QUIC, HTTP
}
