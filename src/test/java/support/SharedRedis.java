package support;

/** One Redis for the whole test JVM, started on first use; tests isolate themselves by key prefix. */
public final class SharedRedis {

    private SharedRedis() {
    }

    private static final class Holder {
        static final RedisServer SERVER = RedisServer.start();
    }

    public static RedisServer server() {
        return Holder.SERVER;
    }
}
