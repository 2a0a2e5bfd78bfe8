package infrastructure.embedded;

import domain.StoreBusyException;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * <p>Writes queue for the writer, which commits whatever is queued in one transaction (group commit):
 * a write that fails changes nothing and fails alone (the group then runs again with each write in
 * its own savepoint), and a write's
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
    /** Pages given back to the file system per write (4 MiB with 4 KiB pages); a sweep round repeats it until none are free. */
    private static final int VACUUM_PAGES_PER_ROUND = 1024;

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    /**
     * One unit of work on a connection, run on a store thread, never on the event loop. A write may
     * run more than once (when a write grouped with it ends the transaction), so it must have no
     * effect outside the connection: publish what it did once its {@link Uni} completes.
     */
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
    private final Runnable answered;
    private volatile boolean closed;

    private EmbeddedDatabase(Settings settings, FileChannel lockChannel, FileLock lock, Connection writer, Runnable answered) {
        this.settings = settings;
        this.answered = answered;
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
        return open(settings, () -> {
        });
    }

    /**
     * As {@link #open(Settings)}, telling {@code answered} each time SQLite answered a call (a result
     * or an error of its own), from the store's threads: what the service's latency budgets judge a
     * stall by, as the Redis client's answers are for Redis.
     */
    public static EmbeddedDatabase open(Settings settings, Runnable answered) {
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
            Connection writer = StatementCache.wrap(openWriter(directory.resolve(FILE), settings));
            return new EmbeddedDatabase(new Settings(directory, settings.durability(), settings.maxBytes(), settings.readers(),
                    settings.queueBound(), settings.sweepInterval()), channel, lock, writer, answered);
        } catch (IOException e) {
            closeQuietly(channel);
            boolean full = e.getMessage() != null && e.getMessage().contains("No space left");
            throw new IllegalStateException("cannot use the embedded store's data directory " + directory + ": " + e
                    + (full ? " (the disk is full)" : ""), e);
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
                    // Lets freed pages go back to the file system. Opening the file in WAL mode already wrote its
                    // header, so the setting takes effect with a VACUUM, instant on an empty file.
                    s.execute("PRAGMA auto_vacuum = INCREMENTAL");
                    s.execute("VACUUM");
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
            Connection connection = StatementCache.wrap(config.createConnection("jdbc:sqlite:" + file));
            readConnections.add(connection);
            return connection;
        } catch (SQLException e) {
            throw new StoreUnavailableException("the embedded store cannot open a reader on " + file, e);
        }
    }

    /** The size the database file may reach. */
    public long maxBytes() {
        return settings.maxBytes();
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
        return write(work, null);
    }

    /**
     * As {@link #write(Work)}, and tells {@code committed} of the outcome on the writer thread right
     * after the commit: in commit order, before the caller hears, and even when the caller stopped
     * waiting. For publishing what a write did (followers, watchers); it must be quick, and must not
     * wait for the store.
     */
    public <T> Uni<T> write(Work<T> work, Consumer<T> committed) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Pending<T> pending = new Pending<>(work, context, committed, emitter::complete, emitter::fail);
            if (closed || !writes.offer(pending)) {
                emitter.fail(closed ? new StoreUnavailableException("the embedded store is closed", null)
                        : new StoreBusyException("the embedded store's writer has " + settings.queueBound()
                                + " calls waiting; refusing more", null));
            }
        });
    }

    /** Runs {@code work} on a reader, in one snapshot of the database; it must not write. */
    public <T> Uni<T> read(Work<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Pending<T> pending = new Pending<>(work, context, null, emitter::complete, emitter::fail);
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
                        exec(connection, "BEGIN");
                        T item = work.run(connection);
                        exec(connection, "COMMIT");
                        answered.run();
                        pending.complete(item);
                    } catch (SQLException | RuntimeException e) {
                        rollbackQuietly(connection);
                        answered.run();
                        pending.fail(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                emitter.fail(new StoreBusyException("the embedded store's readers have " + settings.queueBound()
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
        long vacuumed;
        do {
            vacuumed = await(write(c -> {
                try (Statement s = c.createStatement()) {
                    long free = Long.parseLong(single(s, "PRAGMA freelist_count"));
                    long pages = Math.min(free, VACUUM_PAGES_PER_ROUND);
                    if (pages > 0) {
                        // Each step of this pragma frees one page, and the driver steps a statement once per execution.
                        try (var vacuum = c.prepareStatement("PRAGMA incremental_vacuum(" + pages + ")")) {
                            for (long page = 0; page < pages; page++) {
                                vacuum.execute();
                            }
                        }
                    }
                    return pages;
                }
            }));
        } while (vacuumed == VACUUM_PAGES_PER_ROUND && !closed);
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
        return read(ignored -> {
            // VACUUM INTO cannot run inside the snapshot a reader holds: it gets a connection of its own.
            SQLiteConfig config = common(settings);
            config.setReadOnly(true);
            try (Connection own = config.createConnection("jdbc:sqlite:" + file);
                    var statement = own.prepareStatement("VACUUM INTO ?")) {
                statement.setString(1, target.toAbsolutePath().toString());
                statement.execute();
            }
            return null;
        });
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

    /**
     * Commits the writes together, then answers each. A write that fails changes nothing and fails
     * alone: the group first runs without savepoints (a failure is rare, and two statements per write
     * are not); when a write fails, the transaction is rolled back and the group runs again with each
     * write in its own savepoint. A write whose failure ends the whole transaction (a full disk, an I/O
     * error: SQLite rolls everything back) fails alone, and the others run again without it.
     */
    private void commit(List<Pending<?>> batch) {
        Rerun next = new Rerun(batch, false);
        while (!next.writes.isEmpty()) {
            next = commitGroup(next.writes, next.savepoints);
        }
    }

    /** Writes to run again, in a new transaction, and whether each needs its own savepoint. */
    private record Rerun(List<Pending<?>> writes, boolean savepoints) {
        static final Rerun NONE = new Rerun(List.of(), false);
    }

    /** Commits the group, or answers the writes to run again because the transaction was lost. */
    private Rerun commitGroup(List<Pending<?>> group, boolean savepoints) {
        List<Object> results = new ArrayList<>(group.size());
        try {
            exec(writer, "BEGIN IMMEDIATE");
        } catch (SQLException e) {
            group.forEach(pending -> pending.fail(e));
            return Rerun.NONE;
        }
        for (int i = 0; i < group.size(); i++) {
            Pending<?> pending = group.get(i);
            try {
                if (savepoints) {
                    exec(writer, "SAVEPOINT w");
                }
                Object item = pending.work.run(writer);
                if (savepoints) {
                    exec(writer, "RELEASE w");
                }
                results.add(item);
            } catch (SQLException | RuntimeException e) {
                if (endsTransaction(e)) {
                    rollbackQuietly(writer);
                    pending.fail(e);
                    List<Pending<?>> others = new ArrayList<>(group);
                    others.remove(i);
                    return new Rerun(others, savepoints);
                }
                if (savepoints) {
                    rollbackToSavepoint();
                    results.add(new Failed(e));
                    continue;
                }
                rollbackQuietly(writer);
                if (group.size() == 1) {
                    pending.fail(e);
                    return Rerun.NONE;
                }
                // Which writes ran before it is undone with it: all run again, each in a savepoint.
                return new Rerun(group, true);
            }
        }
        try {
            exec(writer, "COMMIT");
        } catch (SQLException e) {
            rollbackQuietly(writer);
            if (group.size() > 1) {
                // Which write left no room is unknown: each runs again alone, and only that one fails.
                group.forEach(pending -> commit(List.of(pending)));
                return Rerun.NONE;
            }
            results.set(0, results.get(0) instanceof Failed ? results.get(0) : new Failed(e));
        }
        answered.run();
        for (int i = 0; i < group.size(); i++) {
            Object result = results.get(i);
            if (result instanceof Failed failed) {
                group.get(i).fail(failed.cause);
            } else {
                group.get(i).completeUnchecked(result);
            }
        }
        return Rerun.NONE;
    }

    /** SQLite's errors after which it may have rolled the whole transaction back, savepoints and all. */
    private static boolean endsTransaction(Throwable failure) {
        if (!(failure instanceof SQLiteException sqlite)) {
            return false;
        }
        int primary = sqlite.getResultCode().code & 0xff;
        return primary == SQLiteErrorCode.SQLITE_FULL.code || primary == SQLiteErrorCode.SQLITE_IOERR.code
                || primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_NOMEM.code
                || primary == SQLiteErrorCode.SQLITE_INTERRUPT.code || primary == SQLiteErrorCode.SQLITE_CORRUPT.code;
    }

    private record Failed(Throwable cause) {
    }

    private void rollbackToSavepoint() {
        try {
            exec(writer, "ROLLBACK TO w");
            exec(writer, "RELEASE w");
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

    /** No room: the database reached its maximum size, or the disk is full (which a write may report as an I/O error). */
    private static boolean isFull(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return false;
        }
        SQLiteErrorCode code = sqlite.getResultCode();
        return (code.code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code || code == SQLiteErrorCode.SQLITE_IOERR_WRITE
                || code == SQLiteErrorCode.SQLITE_IOERR_FSYNC || code == SQLiteErrorCode.SQLITE_IOERR_SHMSIZE
                || (e.getMessage() != null && e.getMessage().contains("disk is full"));
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

    /**
     * Transactions are begun and ended with SQL, the connections staying in JDBC's auto-commit mode:
     * after SQLite rolled a transaction back on its own (a full disk), the driver's bookkeeping would
     * no longer match the connection's.
     */
    private static void exec(Connection connection, String sql) throws SQLException {
        // Prepared, so that the connection's statement cache compiles each of these once.
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.execute();
        }
    }

    /** Ends whatever transaction is open; none being open is fine. */
    private static void rollbackQuietly(Connection connection) {
        try {
            exec(connection, "ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction was open any more: SQLite had rolled it back itself.
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
        private final Consumer<T> committed;
        private final Consumer<T> onItem;
        private final Consumer<Throwable> onFailure;

        Pending(Work<T> work, Context context, Consumer<T> committed, Consumer<T> onItem, Consumer<Throwable> onFailure) {
            this.work = work;
            this.context = context;
            this.committed = committed;
            this.onItem = onItem;
            this.onFailure = onFailure;
        }

        /** Called on the writer once the write is committed. */
        @SuppressWarnings("unchecked")
        void completeUnchecked(Object item) {
            if (committed != null) {
                try {
                    committed.accept((T) item);
                } catch (RuntimeException e) {
                    LOG.warnf("publishing a committed write failed (it stays committed): %s", e.toString());
                }
            }
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
