package application;

import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import infrastructure.memory.InMemoryProgressRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeySecret;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.cache.CacheKey;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryApiKeyRepository;
import infrastructure.memory.InMemoryCacheRepository;
import infrastructure.memory.InMemorySessionRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.FailingCacheStore;
import support.ValueCodecs;

/** The export use case on the memory store: paged, bounded in number, ended by a revoked key or a store that stops answering. */
class ExportServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ProjectId SHOP = ProjectId.of("shop");
    /** Three pages: two full, one not. */
    private static final int ENTRIES = 2 * ExportService.PAGE + 50;

    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private static final domain.task.TaskRepository TASKS = new infrastructure.memory.InMemoryTaskRepository(Clock.systemUTC(),
            domain.task.TaskRepository.Retention.DEFAULT, domain.task.QueueSettings.DEFAULT);
    private final FailingCacheStore cache = new FailingCacheStore(
            new InMemoryCacheRepository(Clock.systemUTC(), 100_000, Duration.ofDays(1), ValueCodecs.standard()));
    private final ExportService exports = new ExportService(cache, new infrastructure.memory.InMemoryProgressRepository(Clock.systemUTC(),
            new domain.progress.ProgressRepository.Retention(100, java.time.Duration.ofMinutes(30))), TASKS, keys,
            new InMemorySessionRepository(Clock.systemUTC()), Clock.systemUTC());
    private Principal exporter;

    @BeforeEach
    void fillTheShopAndMakeAnExportersKey() {
        for (int i = 0; i < ENTRIES; i++) {
            cache.put(SHOP, CacheKey.of(String.format("k%04d", i)), new CacheWrite("{\"n\":" + i + "}", Ttl.ofSeconds(3600), Set.of(),
                    Precondition.always())).await().atMost(WAIT);
        }
        ApiKey key = new ApiKey(ApiKeyName.of("exporter"), ApiKeySecret.generate().digest(), ProjectAccess.only(Set.of(SHOP)),
                Set.of(Scope.ADMIN), Instant.now(), null);
        keys.create(key).await().atMost(WAIT);
        exporter = key.principal();
    }

    private AssertSubscriber<ExportService.Item> started() {
        Multi<ExportService.Item> items = exports.cacheEntries(exporter, SHOP, java.util.Optional.empty()).await().atMost(WAIT);
        return items.subscribe().withSubscriber(AssertSubscriber.create(0));
    }

    @Test
    void exportsEveryEntryInKeyOrderPageByPage() {
        AssertSubscriber<ExportService.Item> export = started();

        export.request(Long.MAX_VALUE).awaitCompletion(WAIT);

        List<String> keysRead = new ArrayList<>();
        export.getItems().forEach(item -> keysRead.add(((ExportService.Item.Entry) item).entry().key().value()));
        assertThat(keysRead).hasSize(ENTRIES).isSorted().doesNotHaveDuplicates();
        assertThat(cache.entryPages.get()).isEqualTo(3);
    }

    @Test
    void endsAnExportWhoseKeyWasRevokedBeforeItsNextPage() {
        AssertSubscriber<ExportService.Item> export = started();
        export.request(ExportService.PAGE).awaitItems(ExportService.PAGE, WAIT);

        keys.delete(ApiKeyName.of("exporter")).await().atMost(WAIT);
        export.request(Long.MAX_VALUE).awaitFailure(WAIT);

        assertThat(export.getFailure()).isInstanceOf(AccessDeniedException.class);
        assertThat(export.getItems()).hasSize(ExportService.PAGE);
        assertThat(cache.entryPages.get()).as("no page read for a revoked key").isEqualTo(1);
    }

    @Test
    void failsBeforeAnsweringWhenTheStoreDoesNotAnswerTheFirstPage() {
        cache.failNext(1);

        assertThatThrownBy(() -> exports.cacheEntries(exporter, SHOP, java.util.Optional.empty()).await().atMost(WAIT))
                .isInstanceOf(domain.StoreUnavailableException.class);
        started().request(Long.MAX_VALUE).awaitCompletion(WAIT).assertLastItem(new ExportService.Item.Entry(
                cache.find(SHOP, CacheKey.of(String.format("k%04d", ENTRIES - 1))).await().atMost(WAIT).orElseThrow()));
    }

    @Test
    void runsAtMostFourExportsAtOnceAndFreesTheirPlacesWhenTheyEnd() {
        List<AssertSubscriber<ExportService.Item>> running = new ArrayList<>();
        for (int i = 0; i < ExportService.MAX_RUNNING; i++) {
            running.add(started());
        }

        assertThatThrownBy(() -> exports.cacheEntries(exporter, SHOP, java.util.Optional.empty())).isInstanceOf(TooManyStreamsException.class);
        running.get(0).request(Long.MAX_VALUE).awaitCompletion(WAIT);
        running.get(1).cancel();
        running.add(started());
        running.add(started());
        assertThatThrownBy(() -> exports.cacheEntries(exporter, SHOP, java.util.Optional.empty())).isInstanceOf(TooManyStreamsException.class);
    }

    @Test
    void refusesACallerWithoutAdminOnTheProjectBeforeReadingAnything() {
        Principal reader = new Principal("reader", ProjectAccess.all(), Set.of(Scope.CACHE_READ));

        assertThatThrownBy(() -> exports.cacheEntries(reader, SHOP, java.util.Optional.empty())).isInstanceOf(AccessDeniedException.class);
        assertThat(cache.entryPages.get()).isZero();
    }

    @Test
    void exportsEachProgressOperationAsItsStateSaysEvenWhenAStepLandsWhileItIsRead() {
        InMemoryProgressRepository memory = new InMemoryProgressRepository(Clock.systemUTC(), new ProgressRepository.Retention(100, WAIT));
        ProgressId id = ProgressId.of("busy");
        ProgressPolicy policy = new ProgressPolicy(1_000, 200, 100, Duration.ofMinutes(30), Duration.ofMinutes(5));
        memory.start(policy.start(SHOP, id, 10, "go", Instant.now())).await().atMost(WAIT);
        // Between the state's read and the events' read, a worker records a step.
        ProgressRepository racing = (ProgressRepository) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ProgressRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("eventsAfter")) {
                        memory.record(SHOP, id, new ProgressChange.Step(1, "meanwhile")).await().atMost(WAIT);
                    }
                    return method.invoke(memory, args);
                });
        ExportService racingExports = new ExportService(cache, racing, TASKS, keys, new InMemorySessionRepository(Clock.systemUTC()),
                Clock.systemUTC());

        AssertSubscriber<ExportService.Item> export = racingExports.cacheEntries(exporter, SHOP, java.util.Optional.empty())
                .await().atMost(WAIT).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        export.awaitCompletion(WAIT);

        ExportService.Item.Operation operation = export.getItems().stream().filter(ExportService.Item.Operation.class::isInstance)
                .map(ExportService.Item.Operation.class::cast).findFirst().orElseThrow();
        assertThat(operation.progress().lastSequence()).isEqualTo(1);
        assertThat(operation.events()).extracting(ProgressEvent::sequence).containsExactly(1L);
        assertThat(memory.find(SHOP, id).await().atMost(WAIT).orElseThrow().lastSequence()).as("the step was recorded").isEqualTo(2);
    }
}
