/** Progress of long operations: steps, a bounded history of events, terminal states, stalls. */
package domain.progress;
