package application;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One run of a pipeline for all its subscribers, each answered in order, whatever the threads. */
class SingleFlightTest {

    @Test
    void runsThePipelineOnceAtTheFirstSubscriptionForEverySubscriber() {
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<String> store = new CompletableFuture<>();
        Uni<String> shared = SingleFlight.of(Uni.createFrom().deferred(() -> {
            runs.incrementAndGet();
            return Uni.createFrom().completionStage(store);
        }));
        assertThat(runs).as("nothing runs before a subscriber comes").hasValue(0);

        List<UniAssertSubscriber<String>> early = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            early.add(shared.subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        store.complete("keys");

        early.forEach(subscriber -> subscriber.assertItem("keys"));
        shared.subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem("keys");
        assertThat(runs).hasValue(1);
    }

    @Test
    void givesEverySubscriberTheSameFailure() {
        IllegalStateException failure = new IllegalStateException("the store is down");
        CompletableFuture<String> store = new CompletableFuture<>();
        Uni<String> shared = SingleFlight.of(Uni.createFrom().completionStage(store));
        UniAssertSubscriber<String> first = shared.subscribe().withSubscriber(UniAssertSubscriber.create());
        store.completeExceptionally(failure);

        assertThat(first.assertFailed().getFailure()).isSameAs(failure);
        assertThat(shared.subscribe().withSubscriber(UniAssertSubscriber.create()).assertFailed().getFailure()).isSameAs(failure);
    }

    @Test
    void aSubscriberThatGoesAwayLeavesTheRunToTheOthers() {
        CompletableFuture<String> store = new CompletableFuture<>();
        Uni<String> shared = SingleFlight.of(Uni.createFrom().completionStage(store));
        UniAssertSubscriber<String> leaving = shared.subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> staying = shared.subscribe().withSubscriber(UniAssertSubscriber.create());

        leaving.cancel();
        assertThat(store).as("the run itself").isNotCancelled();
        store.complete("keys");

        staying.assertItem("keys");
        leaving.assertNotTerminated();
    }

    /**
     * Subscribers that subscribe while another thread completes the run, each with a chain behind it: every one is
     * subscribed before it gets its item and gets its own answer. With {@code memoize().indefinitely()} in place of
     * the single flight (Mutiny 3.1.1), about one round in 20,000 gave a subscriber its item before its subscription,
     * and its chain failed with a ClassCastException.
     */
    @Test
    void answersEachOfManySubscribersThatRaceTheCompletionInOrder() throws Exception {
        AtomicInteger early = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20_000; round++) {
                CompletableFuture<String> store = new CompletableFuture<>();
                Uni<String> shared = SingleFlight.of(Uni.createFrom().completionStage(store));
                CountDownLatch go = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(8);
                for (int t = 0; t < 7; t++) {
                    String mine = "stored-" + t;
                    threads.execute(() -> {
                        awaitQuietly(go);
                        AtomicBoolean subscribed = new AtomicBoolean();
                        Uni.createFrom().deferred(() -> shared.emitOn(Runnable::run))
                                .map(String::getBytes)
                                .chain(bytes -> Uni.createFrom().item(mine))
                                .subscribe().withSubscriber(new UniSubscriber<String>() {
                                    @Override
                                    public void onSubscribe(UniSubscription subscription) {
                                        subscribed.set(true);
                                    }

                                    @Override
                                    public void onItem(String item) {
                                        early.addAndGet(subscribed.get() ? 0 : 1);
                                        wrong.addAndGet(item.equals(mine) ? 0 : 1);
                                        done.countDown();
                                    }

                                    @Override
                                    public void onFailure(Throwable failure) {
                                        wrong.incrementAndGet();
                                        done.countDown();
                                    }
                                });
                    });
                }
                threads.execute(() -> {
                    awaitQuietly(go);
                    store.complete("keys");
                    done.countDown();
                });
                go.countDown();
                assertThat(done.await(10, TimeUnit.SECONDS)).as("round %d answered", round).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(early).as("items before their subscription").hasValue(0);
        assertThat(wrong).as("failed or wrong answers").hasValue(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
