package dev.shortr.webhook;

import java.util.List;

/** Deliveries newest first; {@code nextBeforeId} continues the listing, 0 on the last page. */
public record DeliveryPage(List<Delivery> items, long nextBeforeId) {
    public DeliveryPage {
        items = List.copyOf(items);
    }
}
