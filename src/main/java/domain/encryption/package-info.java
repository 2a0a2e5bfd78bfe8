/**
 * Encryption of values at rest: every project's own data keyset, kept in the store only wrapped by
 * a key-encryption key that never enters the store.
 */
package domain.encryption;
