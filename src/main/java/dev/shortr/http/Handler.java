package dev.shortr.http;

/** One route's logic. Runs on a virtual thread, so plain blocking code is fine. */
@FunctionalInterface
public interface Handler {
    Reply handle(Request request) throws Exception;
}
