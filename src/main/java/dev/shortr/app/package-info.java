/**
 * Wiring: builds every object of a node with plain {@code new}, in one readable place, and owns start-up
 * and graceful shutdown. Everything may be imported here; nothing imports this package but the CLI.
 */
package dev.shortr.app;
