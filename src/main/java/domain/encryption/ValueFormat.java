package domain.encryption;

import domain.InvalidValueException;

/**
 * How one project's values are stored from now on (compressed from a size on, encrypted or not);
 * values already stored keep the form they were written in and stay readable.
 *
 * @param compress whether values of at least {@code minSize} bytes are compressed
 * @param level    the zstd level, 1 to 19
 * @param minSize  the smallest value compressed, in bytes of its UTF-8 text
 * @param encrypt  whether values are encrypted with the project's keyset
 */
public record ValueFormat(boolean compress, int level, int minSize, boolean encrypt) {

    /** What values are written as when nothing was configured: compressed from 1 KiB at level 3, in clear. */
    public static final ValueFormat DEFAULT = new ValueFormat(true, 3, 1024, false);

    public ValueFormat {
        if (level < 1 || level > 19) {
            throw new InvalidValueException("compression level must be between 1 and 19, not " + level);
        }
        if (minSize < 0) {
            throw new InvalidValueException("the smallest value compressed cannot be negative");
        }
    }
}
