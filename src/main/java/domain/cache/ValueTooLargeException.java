package domain.cache;

/** A value is larger than the deployment allows; nothing was stored. */
public final class ValueTooLargeException extends RuntimeException {

    private final long limitBytes;

    public ValueTooLargeException(long sizeBytes, long limitBytes) {
        super("value is " + sizeBytes + " bytes, more than the limit of " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
