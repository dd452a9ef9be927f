package io.forecaster.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Test resources as files. In this module they are files already; other modules' tests read them
 * from this module's test jar, so there the resource's folder is copied to a temporary folder first
 * (a Keras model's shards sit beside its {@code model.json}).
 */
public final class TestResources {

    private TestResources() {}

    /**
     * The file of the class-path resource {@code name} (absolute, or relative to {@code anchor}).
     */
    public static Path file(Class<?> anchor, String name) {
        URL url = anchor.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return Path.of(uri);
            }
            try (FileSystem zip = FileSystems.newFileSystem(uri, Map.of())) {
                Path inJar = zip.provider().getPath(uri);
                Path dir = Files.createTempDirectory("test-resources-");
                try (Stream<Path> siblings = Files.list(inJar.getParent())) {
                    for (Path p : (Iterable<Path>) siblings::iterator) {
                        if (Files.isRegularFile(p)) {
                            Files.copy(p, dir.resolve(p.getFileName().toString()));
                        }
                    }
                }
                return dir.resolve(inJar.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
