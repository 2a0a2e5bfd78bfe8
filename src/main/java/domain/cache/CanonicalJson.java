package domain.cache;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The canonical JSON of key material, as RFC 8785 (the JSON Canonicalization Scheme) defines it,
 * encoded in UTF-8: no whitespace; members sorted by name as UTF-16 code units; strings with only
 * {@code "}, {@code \} and the control characters below U+0020 escaped ({@code \b \f \n \r \t}, the
 * others as <code>&#92;u00xx</code> in lowercase hex), every other character as itself; numbers as
 * ECMAScript writes them ({@link EcmaScriptNumbers}); {@code true}, {@code false}, {@code null}.
 *
 * <p>The bytes go out in small chunks as the value is walked, straight into a digest when hashing,
 * so a value is never held a second time as text, however large its strings.
 */
public final class CanonicalJson {

    /** Bytes collected before they are handed on. */
    private static final int CHUNK = 8192;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private CanonicalJson() {
    }

    /** The SHA-256 digest (32 bytes) of the canonical UTF-8 form of {@code material}. */
    public static byte[] sha256(KeyMaterial material) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        new Writer(digest::update).value(material).flush();
        return digest.digest();
    }

    /** The canonical form of {@code material} as UTF-8 bytes, whole: for tests and tools, not for large values. */
    public static byte[] bytes(KeyMaterial material) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Writer(out::write).value(material).flush();
        return out.toByteArray();
    }

    /** Where the bytes go, a chunk at a time. */
    @FunctionalInterface
    private interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    /** Writes one value's canonical bytes into a sink through a buffer of {@link #CHUNK} bytes. */
    private static final class Writer {

        private final Sink sink;
        private final byte[] buffer = new byte[CHUNK];
        private int used;

        Writer(Sink sink) {
            this.sink = sink;
        }

        Writer value(KeyMaterial material) {
            if (material instanceof KeyMaterial.Members object) {
                ascii('{');
                boolean first = true;
                for (KeyMaterial.Member member : object.members()) {
                    if (!first) {
                        ascii(',');
                    }
                    first = false;
                    string(member.name());
                    ascii(':');
                    value(member.value());
                }
                ascii('}');
            } else if (material instanceof KeyMaterial.Elements array) {
                ascii('[');
                boolean first = true;
                for (KeyMaterial element : array.elements()) {
                    if (!first) {
                        ascii(',');
                    }
                    first = false;
                    value(element);
                }
                ascii(']');
            } else if (material instanceof KeyMaterial.Text text) {
                string(text.value());
            } else if (material instanceof KeyMaterial.Numeric number) {
                ascii(EcmaScriptNumbers.format(number.value()));
            } else if (material instanceof KeyMaterial.Literal literal) {
                ascii(switch (literal) {
                    case TRUE -> "true";
                    case FALSE -> "false";
                    case NULL -> "null";
                });
            } else {
                throw new IllegalArgumentException("not key material: " + material);
            }
            return this;
        }

        /** A string in quotes: escapes only where JSON needs them, every other character as its UTF-8 bytes. */
        private void string(String s) {
            ascii('"');
            int length = s.length();
            for (int i = 0; i < length; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c == '"' || c == '\\') {
                        ascii('\\');
                        ascii(c);
                    } else if (c < 0x20) {
                        control(c);
                    } else {
                        ascii(c);
                    }
                } else if (c < 0x800) {
                    room(2);
                    buffer[used++] = (byte) (0xC0 | c >> 6);
                    buffer[used++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    room(4);
                    buffer[used++] = (byte) (0xF0 | cp >> 18);
                    buffer[used++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    buffer[used++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    buffer[used++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    // KeyMaterial refuses these; a string that slipped past has no UTF-8 form.
                    throw new IllegalArgumentException("an unpaired UTF-16 surrogate has no UTF-8 form");
                } else {
                    room(3);
                    buffer[used++] = (byte) (0xE0 | c >> 12);
                    buffer[used++] = (byte) (0x80 | c >> 6 & 0x3F);
                    buffer[used++] = (byte) (0x80 | c & 0x3F);
                }
            }
            ascii('"');
        }

        /** A control character below U+0020: its short escape where JSON has one, else <code>&#92;u00xx</code>. */
        private void control(char c) {
            switch (c) {
                case '\b' -> ascii("\\b");
                case '\f' -> ascii("\\f");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                case '\t' -> ascii("\\t");
                default -> {
                    ascii("\\u00");
                    ascii((char) HEX[c >> 4]);
                    ascii((char) HEX[c & 0xF]);
                }
            }
        }

        private void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                ascii(s.charAt(i));
            }
        }

        private void ascii(char c) {
            room(1);
            buffer[used++] = (byte) c;
        }

        /** Makes room for {@code n} more bytes, handing the buffer on when it is too full. */
        private void room(int n) {
            if (used + n > buffer.length) {
                flush();
            }
        }

        void flush() {
            if (used > 0) {
                sink.accept(buffer, 0, used);
                used = 0;
            }
        }
    }
}
