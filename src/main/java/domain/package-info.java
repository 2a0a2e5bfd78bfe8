/**
 * The domain: entities, value objects, domain services and ports, in plain Java and Mutiny.
 *
 * <p>Nothing here may import Quarkus, Jakarta REST, Jackson, Redis or configuration types; the
 * architecture test enforces it.
 */
package domain;
