/**
 * Redis adapters: every port on the reactive Redis client, with each read-modify-write in one Lua
 * script from {@code src/main/resources/lua/}. Keys of one project share a hash slot, so every
 * feature works unchanged on Redis Cluster.
 */
package infrastructure.redis;
