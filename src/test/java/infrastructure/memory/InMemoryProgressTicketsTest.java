package infrastructure.memory;

import contract.ProgressTicketsContract;
import domain.progress.ProgressTickets;
import java.time.Duration;
import support.MutableClock;

/** The embedded ticket store against the contract. */
class InMemoryProgressTicketsTest extends ProgressTicketsContract {

    @Override
    protected ProgressTickets newStore(MutableClock clock) {
        return new InMemoryProgressTickets(clock);
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }
}
