/**
 * The embedded store: every port kept in this process's memory, for a try-out or a single node.
 * Lost on restart and not shared between instances; otherwise the same semantics as Redis.
 */
package infrastructure.memory;
