package io.forecaster.connectors;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One version of a named model on the models topic (a compacted topic keyed by model name): where
 * its bundle is, its sha256, and which sensors it serves. A record with {@code retired} set (a
 * tombstone on the topic) removes the name; one with a {@code problem} could not be read, and the
 * job reports it instead of using it.
 *
 * @param name the model name (the Kafka key), 1 to 128 characters
 * @param version the version, at least 1; a name's versions only go up
 * @param location the bundle's URI, readable by every TaskManager ({@code file://}, {@code s3://},
 *     {@code hdfs://} where the file system is installed, or a plain local path)
 * @param sha256 the bundle file's sha256, 64 lowercase hex digits
 * @param keys sensors it serves by exact key (empty for none)
 * @param prefixes sensors it serves by key prefix (empty for none)
 * @param regex sensors it serves by a regular expression matching the whole key (null for none)
 * @param priority routes are tried from the highest priority down (then by name); the default model
 *     serves the keys no route matches
 * @param isDefault whether it is the default model
 * @param publishedAt when it was published, epoch ms
 * @param retired the name was retired (a tombstone): only {@code name} is set
 * @param problem why the record could not be read (null for a readable record)
 */
public record ModelRecord(
        String name,
        long version,
        String location,
        String sha256,
        String[] keys,
        String[] prefixes,
        String regex,
        int priority,
        boolean isDefault,
        long publishedAt,
        boolean retired,
        String problem) {

    /** Longest model name, in characters. */
    public static final int MAX_NAME_LENGTH = 128;

    /** A readable version record; checks every field (an error names the field and the value). */
    public static ModelRecord of(
            String name,
            long version,
            String location,
            String sha256,
            String[] keys,
            String[] prefixes,
            String regex,
            int priority,
            boolean isDefault,
            long publishedAt) {
        ModelRecord r =
                new ModelRecord(
                        name,
                        version,
                        location,
                        sha256,
                        keys == null ? new String[0] : keys,
                        prefixes == null ? new String[0] : prefixes,
                        regex,
                        priority,
                        isDefault,
                        publishedAt,
                        false,
                        null);
        r.check();
        return r;
    }

    /** The tombstone of a retired name. */
    public static ModelRecord retired(String name) {
        return new ModelRecord(
                name, 0, null, null, new String[0], new String[0], null, 0, false, 0, true, null);
    }

    /** A record that could not be read; {@code name} is the Kafka key (may be null). */
    public static ModelRecord unreadable(String name, String problem) {
        return new ModelRecord(
                name,
                0,
                null,
                null,
                new String[0],
                new String[0],
                null,
                0,
                false,
                0,
                false,
                problem);
    }

    /** Whether this record names a version to load (not retired, not unreadable). */
    public boolean isVersion() {
        return !retired && problem == null;
    }

    /** Whether the record routes any key by itself (keys, prefixes or a regex). */
    public boolean hasRoutes() {
        return keys.length > 0 || prefixes.length > 0 || regex != null;
    }

    /** Checks the fields of a version record. */
    public void check() {
        checkName(name);
        if (version < 1) {
            throw new IllegalArgumentException(
                    "field \"version\" must be at least 1, got " + version);
        }
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("field \"location\" must not be blank");
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "field \"sha256\" must be 64 lowercase hex digits, got " + sha256);
        }
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "field \"regex\" is not a regular expression: " + regex, e);
            }
        }
        if (!isDefault && !hasRoutes()) {
            throw new IllegalArgumentException(
                    "model " + name + " serves no key: give keys, prefixes, a regex or default");
        }
    }

    /** Checks a model name: 1 to {@value #MAX_NAME_LENGTH} characters, no control characters. */
    public static String checkName(String name) {
        if (name == null
                || name.isBlank()
                || name.length() > MAX_NAME_LENGTH
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "model name must be 1 to "
                            + MAX_NAME_LENGTH
                            + " characters without control characters, got '"
                            + name
                            + "'");
        }
        return name;
    }

    /** "name v3", for messages. */
    public String label() {
        return name + " v" + version;
    }
}
