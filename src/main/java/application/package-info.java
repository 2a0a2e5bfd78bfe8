/**
 * Use cases: orchestrate the domain, enforce access (principal x project x capability), and carry
 * fault tolerance and tracing. Depends on the domain only, never on infrastructure.
 */
package application;
