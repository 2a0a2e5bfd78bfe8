package infrastructure.embedded;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.core.CoreStatement;

/**
 * Keeps a connection's prepared statements, by SQL text, for the connection's life: SQLite compiles a
 * statement once instead of at every call, while the adapters go on writing plain JDBC
 * ({@code try (PreparedStatement s = c.prepareStatement(sql))}): closing a kept statement only clears
 * its parameters and result. The most recently used {@link #SIZE} statements are kept. Like the
 * connection it wraps, used by one thread at a time.
 */
// The two dynamic proxies it makes are declared for the native image in META-INF/native-image/.../proxy-config.json
// (Quarkus's @RegisterForProxy reads one per class: repeated, they land in a container annotation it does not open).
final class StatementCache {

    /** Distinct statements kept per connection; the adapters use a few dozen. */
    static final int SIZE = 256;

    private StatementCache() {
    }

    /** The connection, with {@code prepareStatement(String)} answered from the cache. */
    static Connection wrap(Connection connection) {
        Map<String, PreparedStatement> kept = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > SIZE) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
                String sql = (String) args[0];
                PreparedStatement statement = kept.get(sql);
                if (statement == null || statement.isClosed()) {
                    statement = connection.prepareStatement(sql);
                    kept.put(sql, statement);
                }
                return reusable(statement, () -> {
                    PreparedStatement dropped = kept.remove(sql);
                    if (dropped != null) {
                        closeQuietly(dropped);
                    }
                });
            }
            if (method.getName().equals("close")) {
                kept.values().forEach(StatementCache::closeQuietly);
                kept.clear();
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    /**
     * The statement, whose {@code close()} leaves it ready for the next use instead of finalizing it:
     * its parameters cleared and its last result closed, which resets it in SQLite (a statement left
     * mid-result would hold the connection's transaction open).
     */
    private static PreparedStatement reusable(PreparedStatement statement, Runnable forget) {
        ResultSet[] last = new ResultSet[1];
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("close") && (args == null || args.length == 0)) {
                if (last[0] != null) {
                    try {
                        last[0].close();
                    } catch (SQLException ended) {
                        // The statement failed or ended on its own: nothing is left open.
                    }
                    last[0] = null;
                }
                if (statement.isClosed()) {
                    return null;
                }
                if (statement instanceof CoreStatement core) {
                    core.pointer.safeRunInt((db, pointer) -> db.reset(pointer));
                }
                statement.clearParameters();
                return null;
            }
            if (name.equals("isClosed") && (args == null || args.length == 0)) {
                return false;
            }
            Object answer;
            try {
                answer = invoke(statement, method, args);
            } catch (SQLException e) {
                // After an error SQLite's statement may be finalized or mid-way: the next use prepares a fresh one.
                forget.run();
                throw e;
            }
            if (answer instanceof ResultSet results) {
                last[0] = results;
            } else if (name.equals("execute") && Boolean.TRUE.equals(answer)) {
                // A statement that produced rows nobody reads (a pragma): its result must still be closed.
                last[0] = statement.getResultSet();
            }
            return answer;
        };
        return (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // A statement that cannot close goes with its connection.
        }
    }
}
