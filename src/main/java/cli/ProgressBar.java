package cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on standard error, redrawn in place at most ten times a second; drawn only when
 * standard error is a terminal, so that logs and scripts see only the summary a command prints.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean shown;
    private final String label;
    private final long started = System.nanoTime();
    private long drawnAt;
    private boolean drawn;

    ProgressBar(PrintWriter err, String label) {
        this(err, label, onTerminal());
    }

    /** Whether standard error is a terminal: System.console() says so up to Java 21, and its isTerminal() from Java 22 on. */
    private static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    ProgressBar(PrintWriter err, String label, boolean shown) {
        this.err = err;
        this.label = label;
        this.shown = shown;
    }

    /** {@code done} of {@code total} (total 0 or less: unknown), {@code unit} naming what is counted. */
    void update(long done, long total, String unit) {
        if (!shown) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - drawnAt < 100_000_000L && done < total) {
            return;
        }
        drawnAt = now;
        drawn = true;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        String rate = String.format(Locale.ROOT, "%,.0f %s/s", done / seconds, unit);
        String bar;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            bar = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                    + String.format(Locale.ROOT, "%,d/%,d %s", done, total, unit);
        } else {
            bar = String.format(Locale.ROOT, "%,d %s", done, unit);
        }
        err.print("\r" + label + " " + bar + "  " + rate + "\u001b[K");
        err.flush();
    }

    /** Ends the line, if one was drawn. */
    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
