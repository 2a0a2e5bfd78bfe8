package infrastructure.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import domain.progress.ProgressRepository;
import domain.task.QueueSettings;
import domain.task.TaskRepository;
import java.time.Clock;
import java.time.Duration;

/**
 * What every store's adapters are built with, read once from configuration by {@link Stores}.
 *
 * @param cacheRetention how long a project's sequence and statistics outlive its longest-lived entry
 * @param pingTimeout    the longest the store probe waits for the store
 */
record StoreSettings(Clock clock, ObjectMapper json, Duration cacheRetention, ProgressRepository.Retention progress,
        TaskRepository.Retention tasks, QueueSettings queueDefaults, Duration pingTimeout) {
}
