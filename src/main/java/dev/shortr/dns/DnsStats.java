package dev.shortr.dns;

import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Rcode;

/** Counters of the DNS server, for metrics: queries by transport and RCODE, truncations, drops and rate limiting. */
public final class DnsStats {
    final LongAdder udp = new LongAdder();
    final LongAdder tcp = new LongAdder();
    final LongAdder noError = new LongAdder();
    final LongAdder nxDomain = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder servFail = new LongAdder();
    final LongAdder formErr = new LongAdder();
    final LongAdder other = new LongAdder();
    final LongAdder truncated = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder rateLimitedDropped = new LongAdder();
    final LongAdder rateLimitedSlipped = new LongAdder();
    final LongAdder transfers = new LongAdder();
    final LongAdder tcpRefused = new LongAdder();

    /** A point-in-time copy. */
    public record Snapshot(long udp, long tcp, long noError, long nxDomain, long refused, long servFail, long formErr, long other,
                           long truncated, long dropped, long rateLimitedDropped, long rateLimitedSlipped, long transfers,
                           long tcpRefused) {}

    void count(int rcode) {
        switch (rcode) {
            case Rcode.NOERROR -> noError.increment();
            case Rcode.NXDOMAIN -> nxDomain.increment();
            case Rcode.REFUSED -> refused.increment();
            case Rcode.SERVFAIL -> servFail.increment();
            case Rcode.FORMERR -> formErr.increment();
            default -> other.increment();
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(udp.sum(), tcp.sum(), noError.sum(), nxDomain.sum(), refused.sum(), servFail.sum(), formErr.sum(),
                other.sum(), truncated.sum(), dropped.sum(), rateLimitedDropped.sum(), rateLimitedSlipped.sum(), transfers.sum(),
                tcpRefused.sum());
    }
}
