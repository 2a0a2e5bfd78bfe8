/**
 * The task queue: tasks, their state machine, retries with backoff, queue settings, and the port
 * to the store that leases tasks to workers.
 */
package domain.task;
