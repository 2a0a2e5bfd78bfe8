/**
 * The REST edge: resources under {@code /v1}, request and response records, authentication, and
 * the mapping of every failure to an RFC 9457 problem.
 */
package infrastructure.rest;
