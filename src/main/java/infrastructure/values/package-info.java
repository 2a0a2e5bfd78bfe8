/**
 * Values at rest ({@link infrastructure.values.ValueCodec}): the one chain every stored value
 * crosses on its way to any store (compress with zstd, encrypt with the project's Tink keyset) and
 * back, with the header that lets values written under other settings be read side by side.
 */
package infrastructure.values;
