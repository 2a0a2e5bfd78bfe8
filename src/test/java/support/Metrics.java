package support;

import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's Prometheus endpoint, parsed into samples, so tests assert series by name and labels. */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    /** Possessive: a label value of any length is read in runs, not one recursion per character. */
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]++|\\\\.)*+)\"");

    private final List<Sample> samples;

    private Metrics(List<Sample> samples) {
        this.samples = samples;
    }

    /** One line of the exposition: a series name, its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {

        boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    /** Every sample read. */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * {@code /q/metrics} as OpenMetrics text, where exemplars show, once a fresh project's cache was written and read:
     * requests that every kind of meter observes (the HTTP timer, the use cases' histograms).
     */
    public static String openMetricsAfterACacheWriteAndRead() {
        String project = Api.freshProject();
        String key = Api.cacheKeyFor(project);
        Api.as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        Api.as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(200);
        return RestAssured.given().accept("application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Reads {@code /q/metrics} now. */
    public static Metrics scrape() {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        List<Sample> samples = new ArrayList<>();
        text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(line -> {
            int exemplar = line.indexOf(" # ");
            Matcher m = SAMPLE.matcher(exemplar < 0 ? line : line.substring(0, exemplar));
            if (!m.matches()) {
                throw new IllegalStateException("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        });
        return new Metrics(samples);
    }

    /** Labels as alternating names and values. */
    public static Map<String, String> labels(String... namesAndValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return labels;
    }

    /** Every sample of the series with at least these labels. */
    public List<Sample> series(String name, String... namesAndValues) {
        Map<String, String> wanted = labels(namesAndValues);
        return samples.stream().filter(s -> s.name().equals(name) && s.has(wanted)).toList();
    }

    /** The sum of the series' samples with at least these labels; 0 when there is none. */
    public double value(String name, String... namesAndValues) {
        return series(name, namesAndValues).stream().mapToDouble(Sample::value).sum();
    }
}
