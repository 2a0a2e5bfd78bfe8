package bench.values;

import bench.Args;
import bench.http.Api;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdDictTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Part 9's study of what a zstd dictionary trained per project would give on 1 KB values, in
 * process (zstd-jni, as the service links it; no service involved): a dictionary is trained on
 * {@code --samples} documents of one project's shape ({@link Documents}), then each of
 * {@code --tests} other documents of the same shape (another seed: never a training sample) is
 * compressed on its own, as the service compresses each value, without a dictionary and with
 * dictionaries of several sizes. Reports the bytes of the zstd frames against the text's, and the
 * time to compress and decompress one value, with a new zstd context for each value (as the
 * service's codec does) and with one context reused (as a dictionary would be used). A study: it decides nothing, the service has no
 * dictionaries.
 *
 * <p>Options: {@code --samples} (4000), {@code --tests} (1000), {@code --level} (3, the service's
 * default), {@code --out}.
 */
public final class DictionaryStudy {

    private static final int MIN_BYTES = 1024;
    private static final int[] DICTIONARY_BYTES = {4 * 1024, 16 * 1024, 64 * 1024};

    private DictionaryStudy() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int samples = args.integer("samples", 4000);
        int tests = args.integer("tests", 1000);
        int level = args.integer("level", 3);
        List<byte[]> training = utf8(new Documents(1L).next(samples, MIN_BYTES));
        List<byte[]> test = utf8(new Documents(2L).next(tests, MIN_BYTES));
        long textBytes = test.stream().mapToLong(b -> b.length).sum();
        long trainingBytes = training.stream().mapToLong(b -> b.length).sum();

        ObjectNode out = Api.JSON.createObjectNode();
        out.put("samples", samples).put("trainingBytes", trainingBytes).put("tests", tests).put("level", level)
                .put("meanTextBytes", (double) textBytes / tests).put("zstdJni", Zstd.class.getPackage().getImplementationVersion());
        ArrayNode rows = out.putArray("rows");

        // The first row would otherwise also time the JIT and the native library's first calls.
        for (byte[] text : test) {
            Zstd.decompress(Zstd.compress(text, level), text.length);
        }
        // As ValueCodec compresses today: Zstd.compress and Zstd.decompress make a new context for every value.
        row(rows, "no dictionary, level " + level + ", a context per value (as the service does)", 0, 0, test, textBytes,
                text -> Zstd.compress(text, level), (frame, size) -> Zstd.decompress(frame, size));
        row(rows, "no dictionary, level 19, a context per value", 0, 0, test, textBytes,
                text -> Zstd.compress(text, 19), (frame, size) -> Zstd.decompress(frame, size));
        try (ZstdCompressCtx compress = new ZstdCompressCtx().setLevel(level); ZstdDecompressCtx decompress = new ZstdDecompressCtx()) {
            row(rows, "no dictionary, level " + level + ", one context reused", 0, 0, test, textBytes, compress::compress,
                    decompress::decompress);
        }
        for (int dictionaryBytes : DICTIONARY_BYTES) {
            ZstdDictTrainer trainer = new ZstdDictTrainer((int) trainingBytes, dictionaryBytes);
            training.forEach(trainer::addSample);
            long start = System.nanoTime();
            byte[] dictionary = trainer.trainSamples();
            double trainMs = (System.nanoTime() - start) / 1e6;
            try (ZstdDictCompress compressDictionary = new ZstdDictCompress(dictionary, level);
                    ZstdDictDecompress decompressDictionary = new ZstdDictDecompress(dictionary);
                    ZstdCompressCtx compress = new ZstdCompressCtx().setLevel(level).loadDict(compressDictionary);
                    ZstdDecompressCtx decompress = new ZstdDecompressCtx().loadDict(decompressDictionary)) {
                row(rows, String.format("dictionary of %d KiB, level %d, one context reused", dictionaryBytes / 1024, level),
                        dictionary.length, trainMs, test, textBytes, compress::compress, decompress::decompress);
            }
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    private interface Compressor {
        byte[] compress(byte[] text);
    }

    private interface Decompressor {
        byte[] decompress(byte[] frame, int size);
    }

    /** Compresses every test document on its own (and back, checking it), then times both over a few more passes. */
    private static void row(ArrayNode rows, String name, int dictionaryBytes, double trainMs, List<byte[]> test, long textBytes,
            Compressor compressor, Decompressor decompressor) {
        long frameBytes = 0;
        int notSmaller = 0;
        byte[][] frames = new byte[test.size()][];
        for (int i = 0; i < test.size(); i++) {
            frames[i] = compressor.compress(test.get(i));
            if (!java.util.Arrays.equals(decompressor.decompress(frames[i], test.get(i).length), test.get(i))) {
                throw new IllegalStateException(name + ": a document did not come back as it was");
            }
            frameBytes += frames[i].length;
            notSmaller += frames[i].length >= test.get(i).length ? 1 : 0;
        }
        int passes = 5;
        long start = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            test.forEach(compressor::compress);
        }
        double compressMicros = (System.nanoTime() - start) / 1e3 / passes / test.size();
        start = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < frames.length; i++) {
                decompressor.decompress(frames[i], test.get(i).length);
            }
        }
        double decompressMicros = (System.nanoTime() - start) / 1e3 / passes / test.size();
        rows.addObject().put("name", name).put("dictionaryBytes", dictionaryBytes).put("trainMs", trainMs)
                .put("meanFrameBytes", (double) frameBytes / test.size()).put("ratio", (double) frameBytes / textBytes)
                .put("notSmaller", notSmaller).put("compressMicros", compressMicros).put("decompressMicros", decompressMicros);
        System.out.printf("%s: %.0f bytes per value (%.3f of the text), compress %.1f µs, decompress %.1f µs%n", name,
                (double) frameBytes / test.size(), (double) frameBytes / textBytes, compressMicros, decompressMicros);
    }

    private static List<byte[]> utf8(List<String> documents) {
        return documents.stream().map(d -> d.getBytes(StandardCharsets.UTF_8)).toList();
    }
}