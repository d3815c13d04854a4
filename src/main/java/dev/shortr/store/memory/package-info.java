/**
 * In-memory adapters of the store ports, for unit tests and throwaway nodes: thread-safe, real semantics
 * (ids, change sequence, cursor paging), nothing durable. Depends on the domain packages and java.base only.
 */
package dev.shortr.store.memory;
