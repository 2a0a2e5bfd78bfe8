/**
 * The embedded store: every port in one SQLite file on local disk ({@link infrastructure.embedded.EmbeddedDatabase}),
 * for one instance that keeps its data across restarts and crashes. Same semantics as the other
 * stores; live delivery (progress followers, task long polls) stays in this process.
 */
package infrastructure.embedded;
