/**
 * API keys: minting, hashing, scopes and the {@link dev.shortr.auth.KeyStore} port. Keys are stored as
 * SHA-256 hashes only. Depends on java.base only.
 */
package dev.shortr.auth;
