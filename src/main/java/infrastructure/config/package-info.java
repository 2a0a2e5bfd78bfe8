/** Configuration: the mappings of every setting, the seed's environment aliases, and store selection. */
package infrastructure.config;
