package infrastructure.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps stream tickets out of Quarkus's HTTP access log ({@code quarkus.http.access-log.enabled}):
 * a ticket is a credential that travels in the URL (an EventSource cannot send headers), and the
 * access log writes each request line. Set on the access log's logger itself, not on a handler, so
 * that every handler sees the redacted line, whatever the access log's pattern.
 *
 * <p>Only the logger route is covered: with {@code quarkus.http.access-log.log-to-file=true} Quarkus
 * writes its own file, past every logger; the README says to keep that off.
 */
@Singleton
public class AccessLogRedaction implements Filter {

    /** What a redacted value reads as. */
    static final String REDACTED = "redacted";
    /** A {@code ticket} query parameter's value, up to the next parameter, space or quote. */
    private static final Pattern TICKET_VALUE = Pattern.compile("([?&]ticket=)[^&\\s\"]*");

    private final String category;

    public AccessLogRedaction(
            @ConfigProperty(name = "quarkus.http.access-log.category", defaultValue = "io.quarkus.http.access-log") String category) {
        this.category = category;
    }

    void install(@Observes StartupEvent started) {
        Logger.getLogger(category).setFilter(this);
    }

    /** The line with every ticket value replaced by {@value #REDACTED}. */
    static String redact(String line) {
        return line == null || !line.contains("ticket=") ? line : TICKET_VALUE.matcher(line).replaceAll("$1" + REDACTED);
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        String redacted = redact(message);
        if (redacted != message) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(redacted, ext.getFormatStyle());
            } else {
                record.setMessage(redacted);
            }
        }
        return true;
    }
}
