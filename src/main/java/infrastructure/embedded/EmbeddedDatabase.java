package infrastructure.embedded;

import domain.StoreFullException;
import domain.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded store's disk: one SQLite file in WAL mode under a data directory that this process
 * holds locked, with one writer thread and a few reader threads, so that JDBC never blocks the event
 * loop.
 *
 * <p>Writes queue for the writer, which commits whatever is queued in one transaction (group commit),
 * each write in its own savepoint: a write that fails changes nothing and fails alone, and a write's
 * {@link Uni} completes only once its transaction is committed. Reads run on the readers, each in
 * one snapshot. Both queues are bounded: past the bound a call fails at once with
 * {@link StoreUnavailableException}, and the failure policy answers. Answers are delivered on the
 * caller's Vert.x context when it has one.
 *
 * <p>What expires is swept in the background, in bounded batches that interleave with other writes;
 * the space they free is given back to the file system ({@code auto_vacuum=INCREMENTAL}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database file inside the data directory; {@code -wal} and {@code -shm} files sit next to it. */
    public static final String FILE = "cache-domain.db";
    /** The file this process holds an exclusive lock on while it uses the directory. */
    public static final String LOCK_FILE = "lock";
    /** Writes committed in one transaction at most. */
    private static final int GROUP_COMMIT_MAX = 256;
    /** Pages given back to the file system per sweep round at most (4 MiB with 4 KiB pages). */
    private static final int VACUUM_PAGES_PER_ROUND = 1024;

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    /** One unit of work on a connection, run on a store thread, never on the event loop. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * How the file is kept.
     *
     * @param directory     the data directory (created when missing)
     * @param durability    {@code NORMAL} survives a crash of the process, {@code FULL} a loss of power too
     * @param maxBytes      the size the database file may reach; past it, writes fail with {@link StoreFullException}
     * @param readers       reader threads (and connections)
     * @param queueBound    calls that may wait for the writer, and for the readers, before a call is refused
     * @param sweepInterval how often expired rows are swept
     */
    public record Settings(Path directory, Durability durability, long maxBytes, int readers, int queueBound,
            Duration sweepInterval) {

        public Settings {
            if (readers < 1 || queueBound < 1) {
                throw new IllegalArgumentException("the embedded store needs at least one reader and room for one waiting call");
            }
            if (maxBytes < 1 << 20) {
                throw new IllegalArgumentException("the embedded store's maximum size must be at least 1 MiB");
            }
        }
    }

    /** SQLite's {@code synchronous} setting in WAL mode. */
    public enum Durability {
        NORMAL,
        FULL
    }

    private final Settings settings;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection writer;
    private final BlockingQueue<Pending<?>> writes;
    private final Thread writerThread;
    private final ThreadPoolExecutor readers;
    private final ThreadLocal<Connection> readConnection;
    private final List<Connection> readConnections = new CopyOnWriteArrayList<>();
    private final List<Runnable> sweeps = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;

    private EmbeddedDatabase(Settings settings, FileChannel lockChannel, FileLock lock, Connection writer) {
        this.settings = settings;
        this.file = settings.directory().resolve(FILE);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writer = writer;
        this.writes = new ArrayBlockingQueue<>(settings.queueBound());
        this.writerThread = new Thread(this::writeLoop, "embedded-store-writer");
        this.writerThread.setDaemon(true);
        AtomicInteger readerNumber = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(settings.readers(), settings.readers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.queueBound()), r -> {
                    Thread t = new Thread(r, "embedded-store-reader-" + readerNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.readConnection = ThreadLocal.withInitial(this::openReader);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-store-sweeper");
            t.setDaemon(true);
            return t;
        });
        writerThread.start();
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepRound, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens (creating when missing) the database in {@code settings.directory()}, after locking the
     * directory against any other process.
     *
     * @throws IllegalStateException with an operator's explanation when the directory cannot be used:
     *                               not writable, held by another process, full, or a corrupt file
     */
    public static EmbeddedDatabase open(Settings settings) {
        Path directory = settings.directory().toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the embedded store's data directory " + directory + ": " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalStateException("the embedded store's data directory " + directory
                    + " is not writable by this process: it must be able to write its database, WAL and lock files there");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel, directory);
            channel.truncate(0).write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            Connection writer = openWriter(directory.resolve(FILE), settings);
            return new EmbeddedDatabase(new Settings(directory, settings.durability(), settings.maxBytes(), settings.readers(),
                    settings.queueBound(), settings.sweepInterval()), channel, lock, writer);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot use the embedded store's data directory " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel, Path directory) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = "";
            try {
                holder = " (process " + Files.readString(directory.resolve(LOCK_FILE)).strip() + ")";
            } catch (IOException ignored) {
                // The holder's pid is a courtesy.
            }
            throw new IllegalStateException("the embedded store's data directory " + directory
                    + " is in use by another cache-domain process" + holder
                    + ": stop it, or give this instance a directory of its own (CACHE_DOMAIN_EMBEDDED_PATH)");
        }
        return lock;
    }

    private static Connection openWriter(Path file, Settings settings) {
        boolean created = !Files.exists(file);
        try {
            SQLiteConfig config = common(settings);
            Connection connection = config.createConnection("jdbc:sqlite:" + file);
            try (Statement s = connection.createStatement()) {
                if (created) {
                    // Must precede the first table: only then can freed pages go back to the file system.
                    s.execute("PRAGMA auto_vacuum = INCREMENTAL");
                }
                s.execute("PRAGMA journal_mode = WAL");
                String check = single(s, "PRAGMA quick_check");
                if (!"ok".equals(check)) {
                    connection.close();
                    throw corrupt(file, check, null);
                }
                long pageSize = Long.parseLong(single(s, "PRAGMA page_size"));
                s.execute("PRAGMA max_page_count = " + Math.max(1, settings.maxBytes() / pageSize));
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            if (e instanceof SQLiteException sqlite && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
                throw corrupt(file, sqlite.getMessage(), e);
            }
            throw new IllegalStateException("cannot open the embedded store's database " + file + ": " + e.getMessage()
                    + (isFull(e) ? " (the disk is full)" : ""), e);
        }
    }

    private static IllegalStateException corrupt(Path file, String finding, Throwable cause) {
        return new IllegalStateException("the embedded store's database " + file + " is corrupt or not a cache-domain database ("
                + finding + "): restore it from a backup, or move it away to start empty", cause);
    }

    private static SQLiteConfig common(Settings settings) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.durability() == Durability.FULL ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5_000);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return config;
    }

    private Connection openReader() {
        try {
            SQLiteConfig config = common(settings);
            config.setReadOnly(true);
            Connection connection = config.createConnection("jdbc:sqlite:" + file);
            connection.setAutoCommit(false);
            readConnections.add(connection);
            return connection;
        } catch (SQLException e) {
            throw new StoreUnavailableException("the embedded store cannot open a reader on " + file, e);
        }
    }

    /** The data directory, absolute. */
    public Path directory() {
        return settings.directory();
    }

    /**
     * Runs the statements once, now, on the writer: a port's tables and indexes ({@code CREATE ...
     * IF NOT EXISTS}). Blocks; for start-up only.
     */
    public void define(String... statements) {
        await(write(c -> {
            try (Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
            return null;
        }));
    }

    /** Runs {@code work} on the writer, in a transaction of its own or shared with other writes; completes once committed. */
    public <T> Uni<T> write(Work<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Pending<T> pending = new Pending<>(work, context, emitter::complete, emitter::fail);
            if (closed || !writes.offer(pending)) {
                emitter.fail(closed ? new StoreUnavailableException("the embedded store is closed", null)
                        : new StoreUnavailableException("the embedded store's writer has " + settings.queueBound()
                                + " calls waiting; refusing more", null));
            }
        });
    }

    /** Runs {@code work} on a reader, in one snapshot of the database; it must not write. */
    public <T> Uni<T> read(Work<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Pending<T> pending = new Pending<>(work, context, emitter::complete, emitter::fail);
            try {
                readers.execute(() -> {
                    Connection connection;
                    try {
                        connection = readConnection.get();
                    } catch (RuntimeException e) {
                        pending.fail(e);
                        return;
                    }
                    try {
                        T item = work.run(connection);
                        connection.commit();
                        pending.complete(item);
                    } catch (SQLException | RuntimeException e) {
                        rollbackQuietly(connection);
                        pending.fail(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                emitter.fail(new StoreUnavailableException("the embedded store's readers have " + settings.queueBound()
                        + " calls waiting; refusing more", null));
            }
        });
    }

    /**
     * Registers a sweep: a write that deletes at most one bounded batch of expired rows and answers
     * how many it deleted. Each round runs it again while it deletes a full batch's worth, as
     * separate writes, so that other writes go between batches.
     *
     * @param batch the most rows {@code sweep} deletes in one run
     */
    public void sweepEvery(int batch, Work<Integer> sweep) {
        sweepEvery(batch, sweep, deleted -> deleted, deleted -> {
        });
    }

    /**
     * As {@link #sweepEvery(int, Work)}, for a sweep whose outcome someone must hear of once it is
     * committed (a listener told of the rows it changed): {@code committed} gets each run's outcome
     * after its commit, and {@code swept} says how many rows of the batch it handled.
     */
    public <T> void sweepEvery(int batch, Work<T> sweep, ToIntFunction<T> swept, Consumer<T> committed) {
        sweeps.add(() -> {
            int handled;
            do {
                T outcome = await(write(sweep));
                committed.accept(outcome);
                handled = swept.applyAsInt(outcome);
            } while (handled >= batch && !closed);
        });
    }

    /** Runs every sweep once, then gives freed pages back to the file system. Blocks; the sweeper's thread and tests call it. */
    public void sweepNow() {
        for (Runnable sweep : sweeps) {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.warnf("sweeping the embedded store failed; retrying on the next round: %s", e.toString());
            }
        }
        await(write(c -> {
            try (Statement s = c.createStatement()) {
                long free = Long.parseLong(single(s, "PRAGMA freelist_count"));
                if (free > 0) {
                    s.execute("PRAGMA incremental_vacuum(" + Math.min(free, VACUUM_PAGES_PER_ROUND) + ")");
                }
            }
            return null;
        }));
    }

    private void sweepRound() {
        if (!closed) {
            try {
                sweepNow();
            } catch (RuntimeException e) {
                LOG.warnf("sweeping the embedded store failed; retrying on the next round: %s", e.toString());
            }
        }
    }

    /** {@code PRAGMA integrity_check}: "ok" when the file is sound, else what SQLite found. */
    public Uni<String> integrityCheck() {
        return read(c -> {
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("PRAGMA integrity_check")) {
                List<String> findings = new ArrayList<>();
                while (rows.next()) {
                    findings.add(rows.getString(1));
                }
                return String.join("; ", findings);
            }
        });
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} ({@code VACUUM INTO}), while
     * the store keeps serving; the target must not exist yet.
     */
    public Uni<Void> backupTo(Path target) {
        return read(c -> {
            try (var statement = c.prepareStatement("VACUUM INTO ?")) {
                statement.setString(1, target.toAbsolutePath().toString());
                statement.execute();
            }
            return null;
        });
    }

    /** The database file's size now, in bytes, WAL excluded. */
    public long fileBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>();
        while (true) {
            try {
                Pending<?> first = writes.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                writes.drainTo(batch, GROUP_COMMIT_MAX - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Runs each write in its own savepoint, commits them together, then answers each. */
    private void commit(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        for (Pending<?> pending : batch) {
            Savepoint savepoint = null;
            try {
                savepoint = writer.setSavepoint();
                Object item = pending.work.run(writer);
                writer.releaseSavepoint(savepoint);
                results.add(item);
            } catch (SQLException | RuntimeException e) {
                rollbackTo(savepoint);
                results.add(new Failed(e));
            }
        }
        try {
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly(writer);
            for (int i = 0; i < results.size(); i++) {
                if (!(results.get(i) instanceof Failed)) {
                    results.set(i, new Failed(e));
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Object result = results.get(i);
            if (result instanceof Failed failed) {
                batch.get(i).fail(failed.cause);
            } else {
                batch.get(i).completeUnchecked(result);
            }
        }
    }

    private record Failed(Throwable cause) {
    }

    private void rollbackTo(Savepoint savepoint) {
        if (savepoint == null) {
            return;
        }
        try {
            writer.rollback(savepoint);
            writer.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            LOG.warnf("rolling back a failed write of the embedded store failed: %s", e.toString());
        }
    }

    /** The failure a caller sees: a store failure for SQLite's own errors, the work's own exceptions as they are. */
    static RuntimeException failureOf(Throwable failure) {
        if (failure instanceof SQLException e) {
            if (isFull(e)) {
                return new StoreFullException("the embedded store is full: its disk, or its maximum size "
                        + "(cache-domain.embedded.max-size), leaves no room for this write", e);
            }
            return new StoreUnavailableException("the embedded store failed: " + e.getMessage(), e);
        }
        return failure instanceof RuntimeException runtime ? runtime : new StoreUnavailableException(failure.toString(), failure);
    }

    private static boolean isFull(SQLException e) {
        return e instanceof SQLiteException sqlite && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL
                || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_IOERR_WRITE);
    }

    private static String single(Statement s, String query) throws SQLException {
        try (ResultSet rows = s.executeQuery(query)) {
            return rows.next() ? rows.getString(1) : "";
        }
    }

    private static <T> T await(Uni<T> uni) {
        try {
            return uni.subscribeAsCompletionStage().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the embedded store", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new StoreUnavailableException(e.toString(), e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection's next use reports what is wrong with it.
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Closing on a path that already failed.
            }
        }
    }

    /**
     * Stops taking calls, finishes the writes already queued, checkpoints the WAL into the file,
     * closes every connection and releases the directory.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        readers.shutdown();
        try {
            writerThread.join(10_000);
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Statement s = writer.createStatement()) {
            writer.commit();
            writer.setAutoCommit(true);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            LOG.warnf("checkpointing the embedded store at close failed (the WAL is replayed at the next start): %s", e.toString());
        }
        readConnections.forEach(EmbeddedDatabase::closeQuietly);
        closeQuietly(writer);
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(lockChannel);
    }

    /** A call waiting for its store thread; answers on the caller's context when it had one. */
    private static final class Pending<T> {
        final Work<T> work;
        private final Context context;
        private final java.util.function.Consumer<T> onItem;
        private final java.util.function.Consumer<Throwable> onFailure;

        Pending(Work<T> work, Context context, java.util.function.Consumer<T> onItem,
                java.util.function.Consumer<Throwable> onFailure) {
            this.work = work;
            this.context = context;
            this.onItem = onItem;
            this.onFailure = onFailure;
        }

        @SuppressWarnings("unchecked")
        void completeUnchecked(Object item) {
            complete((T) item);
        }

        void complete(T item) {
            if (context == null) {
                onItem.accept(item);
            } else {
                context.runOnContext(v -> onItem.accept(item));
            }
        }

        void fail(Throwable failure) {
            RuntimeException translated = failureOf(failure);
            if (context == null) {
                onFailure.accept(translated);
            } else {
                context.runOnContext(v -> onFailure.accept(translated));
            }
        }
    }
}
