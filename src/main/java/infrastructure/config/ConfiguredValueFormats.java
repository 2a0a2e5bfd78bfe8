package infrastructure.config;

import domain.project.ProjectId;
import domain.encryption.ValueFormat;
import domain.encryption.ValueFormats;
import java.util.Optional;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Each project's {@link ValueFormat}, from {@code cache-domain.values.*}: the service's settings, under each project's own. */
final class ConfiguredValueFormats implements ValueFormats {

    private final ValueFormat service;
    /** The formats of the projects with settings of their own, or named in encryption.projects. */
    private final Map<String, ValueFormat> projects;
    private final Optional<String> kekId;

    private ConfiguredValueFormats(ValueFormat service, Map<String, ValueFormat> projects, Optional<String> kekId) {
        this.service = service;
        this.projects = projects;
        this.kekId = kekId;
    }

    /** @param kekId the id of the configured key-encryption key, if any */
    static ConfiguredValueFormats of(ValuesConfig config, Optional<String> kekId) {
        ValuesConfig.Compression compression = config.compression();
        ValueFormat service;
        try {
            service = new ValueFormat(compression.enabled(), compression.level(), minSize(compression.minSize().asLongValue()),
                    config.encryption().enabled());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cache-domain.values.compression: " + e.getMessage());
        }
        Set<String> encrypted = config.encryption().projects().orElse(Set.of());
        Map<String, ValueFormat> projects = new HashMap<>();
        config.projects().forEach((id, own) -> {
            checkProject(id, "cache-domain.values.projects");
            try {
                projects.put(id, new ValueFormat(own.compression().orElse(service.compress()),
                        own.compressionLevel().orElse(service.level()),
                        own.compressionMinSize().map(size -> minSize(size.asLongValue())).orElse(service.minSize()),
                        own.encryption().orElse(service.encrypt() || encrypted.contains(id))));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cache-domain.values.projects." + id + ": " + e.getMessage());
            }
        });
        for (String id : encrypted) {
            checkProject(id, "cache-domain.values.encryption.projects");
            projects.putIfAbsent(id, new ValueFormat(service.compress(), service.level(), service.minSize(), true));
        }
        return new ConfiguredValueFormats(service, Map.copyOf(projects), kekId);
    }

    @Override
    public ValueFormat of(ProjectId project) {
        return projects.getOrDefault(project.value(), service);
    }

    @Override
    public ValueFormat service() {
        return service;
    }

    @Override
    public Map<ProjectId, ValueFormat> projects() {
        Map<ProjectId, ValueFormat> all = new java.util.TreeMap<>(java.util.Comparator.comparing(ProjectId::value));
        projects.forEach((id, format) -> all.put(ProjectId.of(id), format));
        return all;
    }

    @Override
    public Optional<String> keyEncryptionKeyId() {
        return kekId;
    }

    /** Whether any project's values are encrypted: a key-encryption key is needed then. */
    boolean encryptsAny() {
        return service.encrypt() || projects.values().stream().anyMatch(ValueFormat::encrypt);
    }

    private static int minSize(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static void checkProject(String id, String setting) {
        try {
            ProjectId.of(id);
        } catch (domain.InvalidValueException e) {
            throw new IllegalStateException(setting + ": " + e.rule());
        }
    }
}
