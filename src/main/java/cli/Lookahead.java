package cli;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator that finds its next item only when asked: {@link #fetch} answers it, or null at the end. */
abstract class Lookahead<T> implements Iterator<T> {

    private T next;
    private boolean ended;

    /** The next item, or null when there is none (then it is not asked again). */
    protected abstract T fetch();

    @Override
    public final boolean hasNext() {
        if (next == null && !ended) {
            next = fetch();
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = next;
        next = null;
        return item;
    }
}
