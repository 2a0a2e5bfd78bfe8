/** The store as its operator sees it: reachability, latency, memory, eviction policy and slow commands. */
package domain.store;
