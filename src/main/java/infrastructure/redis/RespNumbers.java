package infrastructure.redis;

import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Integers in Redis answers, read from the answer's bytes: the client's own {@code toLong()} makes a
 * String of every bulk reply first, and a cache read's answer holds six numbers.
 */
final class RespNumbers {

    /** Digits a long holds in any case: up to 18 cannot overflow. */
    private static final int SAFE_DIGITS = 18;

    private RespNumbers() {
    }

    /**
     * The answer as a long, as {@code answer.toLong()} reads it: a bulk reply of decimal digits (with a
     * leading minus sign, perhaps) or an integer reply; anything else fails as it does there.
     */
    static long toLong(Response answer) {
        io.vertx.redis.client.Response reply = answer.getDelegate();
        if (reply.type() != ResponseType.BULK) {
            return reply.toLong();
        }
        // A copy of a few bytes costs less than a bounds check of the buffer's for each digit.
        byte[] text = reply.toBytes();
        int length = text.length;
        int at = length > 0 && text[0] == '-' ? 1 : 0;
        if (length == at || length - at > SAFE_DIGITS) {
            return reply.toLong(); // empty, or long enough to overflow: the client's parse, and its failure
        }
        long value = 0;
        for (int i = at; i < length; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                return reply.toLong();
            }
            value = value * 10 + digit;
        }
        return at == 1 ? -value : value;
    }
}
