/** Health checks beyond the store's own: circuit breakers (readiness) and the process itself (liveness). */
package infrastructure.health;
