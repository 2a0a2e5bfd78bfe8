package support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Captures every log line of the running service (root logger), formatted, for assertions on what is logged. */
public final class LogCapture extends Handler {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> withStackTraces = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    /** Starts capturing everything logged from now on. */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof org.jboss.logmanager.ExtLogRecord ext
                ? ext.getFormattedMessage()
                : formatter.formatMessage(record);
        String line = record.getLoggerName() + " " + message + (record.getThrown() == null ? "" : " " + record.getThrown());
        lines.add(line);
        if (record.getThrown() != null) {
            withStackTraces.add(line);
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines logged with an exception attached, which a log handler prints with its stack trace. */
    public List<String> linesWithStackTraces() {
        return List.copyOf(withStackTraces);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
