package infrastructure.values;

import contract.SessionRepositoryContract;
import domain.encryption.ValueFormat;
import domain.session.SessionRepository;
import infrastructure.memory.InMemoryProjectKeysets;
import infrastructure.memory.InMemorySessionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import support.MutableClock;
import support.ValueCodecs;

/**
 * The session contract through the value chain, every user data compressed and encrypted: what the
 * service wires in front of each store behaves exactly as the store alone does.
 */
class SealedSessionRepositoryTest extends SessionRepositoryContract {

    @Override
    protected SessionRepository newRepository(MutableClock clock) {
        ValueCodec values = ValueCodecs.of(new ValueFormat(true, 3, 0, true), new InMemoryProjectKeysets(), new SimpleMeterRegistry());
        return new SealedSessionRepository(new InMemorySessionRepository(clock), values);
    }
}
