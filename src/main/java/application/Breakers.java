package application;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The service's circuit breakers by name ({@link Guards}' names), for health, metrics and operators. */
@Singleton
public class Breakers {

    private final Map<String, Breaker> byName = new ConcurrentHashMap<>();

    /** Adds {@code breaker} under its name; a second breaker of the same name is a wiring mistake. */
    public Breaker register(Breaker breaker) {
        if (byName.putIfAbsent(breaker.name(), breaker) != null) {
            throw new IllegalStateException("a second circuit breaker named " + breaker.name());
        }
        return breaker;
    }

    /** The named breaker's state; closed for a name no breaker has (a capability whose breaker is not built yet). */
    public Breaker.State state(String name) {
        Breaker breaker = byName.get(name);
        return breaker == null ? Breaker.State.CLOSED : breaker.state();
    }

    /** Whether a breaker of that name was built. */
    public boolean registered(String name) {
        return byName.containsKey(name);
    }

    /** Closes the named breaker, if there is one. */
    public void reset(String name) {
        Breaker breaker = byName.get(name);
        if (breaker != null) {
            breaker.reset();
        }
    }

    /** Closes every breaker. */
    public void resetAll() {
        byName.values().forEach(Breaker::reset);
    }
}
