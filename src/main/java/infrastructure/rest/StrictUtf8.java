package infrastructure.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Refuses bytes that are not UTF-8 before Jackson decodes them. Jackson alone refuses most, but lets
 * overlong forms through ({@code C0 80} becomes U+0000) and turns code points past U+10FFFF into
 * stray surrogates: a silent change of the client's text, or a refusal for the wrong reason.
 * Checks the well-formed sequences of Unicode's table 3-7, byte by byte, across reads.
 */
final class StrictUtf8 extends InputDecorator {

    private static final long serialVersionUID = 1L;

    /** The start of every message this check raises; {@link JsonFailures} recognises it. */
    static final String INVALID = "Invalid UTF-8";

    @Override
    public InputStream decorate(IOContext context, InputStream in) {
        return new Checked(in);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] src, int offset, int length) {
        return new Checked(new ByteArrayInputStream(src, offset, length));
    }

    /** Characters are decoded already: nothing to check. */
    @Override
    public Reader decorate(IOContext context, Reader reader) {
        return reader;
    }

    private static final class Checked extends FilterInputStream {

        /** Continuation bytes the current character still needs. */
        private int needed;
        /** Bounds of the next continuation byte: narrower after E0, ED, F0 and F4. */
        private int lower = 0x80;
        private int upper = 0xBF;
        private long offset;

        Checked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                end();
            } else {
                check(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n < 0) {
                end();
            }
            for (int i = 0; i < n; i++) {
                check(buffer[off + i] & 0xFF);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n && read() >= 0) {
                skipped++;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void end() throws JsonParseException {
            if (needed > 0) {
                throw invalid("the body ends inside a character");
            }
        }

        private void check(int b) throws JsonParseException {
            if (needed == 0) {
                if (b >= 0x80) {
                    lead(b);
                }
            } else {
                if (b < lower || b > upper) {
                    throw invalid("a character's byte is not a continuation byte");
                }
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
            offset++;
        }

        private void lead(int b) throws JsonParseException {
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                needed = 2;
                if (b == 0xE0) {
                    lower = 0xA0; // shorter forms are overlong
                } else if (b == 0xED) {
                    upper = 0x9F; // ED A0..BF would encode a surrogate
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                needed = 3;
                if (b == 0xF0) {
                    lower = 0x90; // shorter forms are overlong
                } else if (b == 0xF4) {
                    upper = 0x8F; // beyond U+10FFFF
                }
            } else {
                throw invalid("a byte that starts no character");
            }
        }

        private JsonParseException invalid(String what) {
            return new JsonParseException(null, INVALID + ": " + what,
                    new JsonLocation(ContentReference.unknown(), offset, -1, -1, -1));
        }
    }
}
