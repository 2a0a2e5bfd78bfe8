/** Adapters: the stores behind the ports, the REST edge, and configuration. */
package infrastructure;
