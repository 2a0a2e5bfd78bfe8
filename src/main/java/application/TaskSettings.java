package application;

import domain.task.QueueSettings;
import java.time.Duration;

/**
 * How the task use cases behave, from configuration.
 *
 * @param payloadMaxBytes       the largest payload (or result) of a task, in bytes of compact JSON text
 * @param maxWait               the longest a claim may wait for work (its {@code waitSeconds})
 * @param longPollsPerPrincipal waiting claims one principal may hold on this instance at once
 * @param queueDefaults         the settings of a queue that has none saved; {@code maxQueued} is also
 *                              the most a queue's own settings may allow
 * @param meteredQueues         how many queues get series of their own in the task metrics
 */
public record TaskSettings(long payloadMaxBytes, Duration maxWait, int longPollsPerPrincipal, QueueSettings queueDefaults,
        int meteredQueues) {

    public TaskSettings {
        if (payloadMaxBytes < 1 || longPollsPerPrincipal < 1 || meteredQueues < 0 || maxWait.isNegative()) {
            throw new IllegalArgumentException("task settings: payload max bytes and long polls per principal must be"
                    + " positive, metered queues and max wait not negative");
        }
    }
}
