/** Access: API keys, their project grants and scopes, and the principal a request acts as. */
package domain.access;
