package application;

import java.time.Duration;

/**
 * How progress streams behave, from configuration.
 *
 * @param heartbeat              how often a quiet stream gets a heartbeat, catches up and checks for a stall
 * @param reconnectDelay         the {@code retry:} hint sent to browsers
 * @param maxStreamsPerPrincipal open streams one principal may hold on this instance
 * @param ticketTtl              how long a new stream ticket waits for its first use (then it lives as long as progress)
 * @param streamStoreTimeout     the longest one store call of an open stream may take before the stream closes
 */
public record ProgressSettings(Duration heartbeat, Duration reconnectDelay, int maxStreamsPerPrincipal, Duration ticketTtl,
        Duration streamStoreTimeout) {
}
