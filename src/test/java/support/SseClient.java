package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for tests that parses the wire format as a browser's EventSource
 * does (WHATWG HTML, "Interpreting an event stream"): fields, multi-line data, ids that persist,
 * comments, {@code retry}, and dispatch on a blank line. Bytes arrive asynchronously, so a thousand
 * open streams need no thread each.
 */
public final class SseClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private SseClient() {
    }

    /** One dispatched event. {@code id} is the last event id in force when it was dispatched. */
    public record Event(String id, String type, String data) {

        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public long sequence() {
            return Long.parseLong(id);
        }
    }

    /** Opens a stream with {@code headers}; answers once the response status and headers arrived. */
    public static Stream open(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(request::header);
        Stream stream = new Stream();
        // The response completes with the headers; the body is read as it comes.
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = HTTP.sendAsync(request.build(),
                        HttpResponse.BodyHandlers.ofPublisher())
                .orTimeout(20, TimeUnit.SECONDS).join();
        stream.response = response;
        response.body().subscribe(new Lines(stream.parser));
        return stream;
    }

    /** An open stream: its response, and what it received so far. */
    public static final class Stream implements AutoCloseable {

        private final Parser parser = new Parser();
        private HttpResponse<?> response;

        public int status() {
            return response.statusCode();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The next dispatched event; fails the test if none arrives within {@code wait}. */
        public Event next(Duration wait) {
            try {
                Object next = parser.events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("no event within " + wait + "; comments so far: " + parser.comments);
                }
                if (next == Parser.END) {
                    parser.events.add(Parser.END);
                    throw new AssertionError("the stream ended; no more events");
                }
                return (Event) next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The next {@code n} events, in the order they arrived. */
        public List<Event> next(int n, Duration wait) {
            List<Event> events = new ArrayList<>(n);
            long deadline = System.nanoTime() + wait.toNanos();
            for (int i = 0; i < n; i++) {
                events.add(next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
            }
            return events;
        }

        /** True when the server ended the stream within {@code wait} after the events read so far, with no other event. */
        public boolean endsWithin(Duration wait) {
            try {
                Object next = parser.events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null && next != Parser.END) {
                    throw new AssertionError("expected the end of the stream, got " + next);
                }
                return next == Parser.END;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The comments received so far (heartbeats), without the leading colon. */
        public List<String> comments() {
            return List.copyOf(parser.comments);
        }

        /** The last {@code retry:} hint received, in milliseconds. */
        public OptionalLong retry() {
            long retry = parser.retry;
            return retry < 0 ? OptionalLong.empty() : OptionalLong.of(retry);
        }

        /** The id an EventSource would send as Last-Event-ID on reconnecting. */
        public String lastEventId() {
            return parser.lastEventId;
        }

        /** Drops the connection, as a closed browser tab does. */
        @Override
        public void close() {
            Flow.Subscription s = parser.subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Splits UTF-8 bytes into lines at LF, CRLF or CR, and hands them to the parser. */
    private static final class Lines implements Flow.Subscriber<List<ByteBuffer>> {

        private final Parser parser;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean afterCarriageReturn;

        Lines(Parser parser) {
            this.parser = parser;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            parser.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n' && afterCarriageReturn) {
                        afterCarriageReturn = false;
                        continue;
                    }
                    afterCarriageReturn = b == '\r';
                    if (b == '\n' || b == '\r') {
                        parser.onNext(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            parser.onError(failure);
        }

        @Override
        public void onComplete() {
            parser.onComplete();
        }
    }

    /** Parses lines into events, as the WHATWG algorithm does. */
    private static final class Parser {

        static final Object END = new Object();

        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final List<String> comments = new CopyOnWriteArrayList<>();
        volatile Flow.Subscription subscription;
        volatile long retry = -1;
        volatile String lastEventId = "";
        private final StringBuilder data = new StringBuilder();
        private String type = "";
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        void onNext(String line) {
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).stripLeading());
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> data.append(value).append('\n');
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                        retry = Long.parseLong(value);
                    }
                }
                default -> {
                    // unknown fields are ignored
                }
            }
        }

        private void dispatch() {
            if (data.length() == 0) {
                type = "";
                return;
            }
            data.setLength(data.length() - 1);
            events.add(new Event(lastEventId, type.isEmpty() ? "message" : type, data.toString()));
            data.setLength(0);
            type = "";
        }

        void onError(Throwable failure) {
            events.add(END);
            ended.complete(null);
        }

        void onComplete() {
            events.add(END);
            ended.complete(null);
        }
    }
}
