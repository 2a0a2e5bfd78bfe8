/**
 * The operator's command line: a client of the service's HTTP API (never of its stores), run from the
 * same jar as the service ({@code java -jar quarkus-run.jar <command>}). It depends on no other layer of
 * the service: what it knows of the service is what the API says.
 */
package cli;
