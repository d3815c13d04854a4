/**
 * The zone: what the authoritative server knows, as immutable values built from a YAML file. Static records,
 * pools of sites with their health checks, the steering policy of each name, the geo map and the transfer ACL.
 * Pure: depends on java.base, dnsjava's record model and Jackson's YAML reader only.
 */
package dev.shortr.dns.zone;
