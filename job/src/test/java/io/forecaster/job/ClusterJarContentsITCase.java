package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Tests for the cluster jar ({@code forecaster-job-*-flink.jar}, built by the shade plugin in the
 * package phase, before this test runs): it holds the job, the runtime model and the Kafka
 * connector, and none of the training, broker, test or command-line libraries.
 */
class ClusterJarContentsITCase {

    /**
     * Packages whose classes must never reach a TaskManager through the job jar ({@code kafka/}
     * holds the broker's classes; the client jar has only a version file there).
     */
    private static final List<String> FORBIDDEN =
            List.of(
                    "org/deeplearning4j/", // DL4J
                    "org/nd4j/", // ND4J
                    "org/bytedeco/", // JavaCPP and its natives
                    "scala/", // Scala, the broker's language
                    "kafka/", // the Kafka broker (Scala core)
                    "org/apache/kafka/raft/", // the broker's KRaft
                    "org/apache/kafka/controller/",
                    "org/apache/kafka/storage/",
                    "org/junit/", // JUnit
                    "org/knowm/xchart/", // XChart
                    "picocli/", // picocli
                    "ai/onnxruntime/", // ONNX Runtime and its natives (the onnx engine)
                    "io/forecaster/onnx/",
                    "io/forecaster/training/",
                    "io/forecaster/cli/",
                    "io/forecaster/broker/",
                    "io/forecaster/testing/");

    @Test
    void holdsTheJobTheRuntimeModelAndTheKafkaConnectorOnly() throws IOException {
        List<String> entries = entries(clusterJar());
        assertThat(entries)
                .contains(
                        "io/forecaster/job/ForecastRunner.class",
                        "io/forecaster/job/sql/ForecastFunction.class",
                        "io/forecaster/model/engine/FastPredictor.class",
                        "io/forecaster/connectors/flink/KafkaConnectors.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class");
        List<String> forbidden =
                entries.stream()
                        .filter(e -> e.endsWith(".class"))
                        .filter(e -> FORBIDDEN.stream().anyMatch(e::startsWith))
                        .limit(20)
                        .collect(Collectors.toList());
        assertThat(forbidden).as("classes that must not be in the cluster jar").isEmpty();
    }

    @Test
    void leavesFlinkItselfToTheCluster() throws IOException {
        List<String> entries = entries(clusterJar());
        assertThat(entries)
                .noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/environment/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/runtime/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/connector/base/"))
                // the Table API, planner and runtime of the FORECAST function
                .noneMatch(e -> e.startsWith("org/apache/flink/table/"));
    }

    private static Path clusterJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-flink.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no *-flink.jar in job/target"));
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(e -> e.getName()).collect(Collectors.toList());
        }
    }
}
