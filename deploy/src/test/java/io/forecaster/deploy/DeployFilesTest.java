package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests for the deploy files as files (Docker Compose, the Kubernetes FlinkDeployment, the
 * Dockerfiles; {@code deploy/docker/compose-roundtrip.sh} runs Compose for real where Docker is)
 * and for the standalone cluster's config.yaml: they parse, and their images, versions, ports,
 * paths and job arguments agree with the build and each other.
 */
class DeployFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final Path ROOT = DEPLOY.getParent();
    private static final String JOB_IMAGE = "forecaster-job:0.1.0";
    private static final String LOCAL_BASE = "local/debian-jre:bookworm";
    private static final String JAR_IN_IMAGE = "/opt/flink/usrlib/forecaster-job.jar";

    /** What every Flink configuration here loads parent-first (the engines and their natives). */
    private static final List<String> PARENT_FIRST =
            List.of(
                    "org.nd4j.",
                    "org.bytedeco.",
                    "org.deeplearning4j.",
                    "ai.onnxruntime.",
                    "io.forecaster.model.",
                    "io.forecaster.training.",
                    "io.forecaster.onnx.");

    private static final String PARENT_FIRST_KEY = "classloader.parent-first-patterns.additional";

    private static JsonNode yaml(String file) throws IOException {
        return YAML.readTree(DEPLOY.resolve(file).toFile());
    }

    /** "--key value" pairs of a job's program arguments. */
    private static Map<String, String> jobArgs(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("--")) {
                out.put(args.get(i).substring(2), i + 1 < args.size() ? args.get(i + 1) : "");
            }
        }
        return out;
    }

    @Test
    void dockerfileCopiesTheJarTheBuildMakesOntoEitherBase() throws IOException {
        List<String> lines = Files.readAllLines(DEPLOY.resolve("docker/Dockerfile"));
        assertThat(lines).contains("ARG BASE_IMAGE=" + LOCAL_BASE, "FROM ${BASE_IMAGE}");
        String jar = "job/target/" + System.getProperty("job.jar");
        assertThat(lines).contains("COPY " + jar + " " + JAR_IN_IMAGE);
        assertThat(lines).contains("COPY models/ /opt/flink/usrlib/models/");
        // The paths copied are the build's: the job module names its shaded jar this way.
        assertThat(Files.readString(ROOT.resolve("job/pom.xml")))
                .contains("<shadedClassifierName>flink</shadedClassifierName>");
        assertThat(ROOT.resolve("models/wind.zip")).exists();

        List<String> kafka = Files.readAllLines(DEPLOY.resolve("docker/kafka/Dockerfile"));
        assertThat(kafka).contains("ARG BASE_IMAGE=" + LOCAL_BASE, "FROM ${BASE_IMAGE}");
        // The public images the same Dockerfiles build on, at the build's versions.
        String script = Files.readString(DEPLOY.resolve("docker/build-images.sh"));
        assertThat(script)
                .contains("flink_base=\"flink:$flink_version-java17\"")
                .contains("kafka_base=\"apache/kafka:$kafka_version\"")
                .contains("kafka_image=\"forecaster/kafka:$kafka_version\"")
                .contains("base_image=\"local/debian-jre:$suite\"");
    }

    @Test
    void composeServicesAgreeOnImagesPortsAndAddresses() throws IOException {
        JsonNode compose = yaml("docker-compose.yml");
        JsonNode services = compose.get("services");
        assertThat(iterable(services.fieldNames()))
                .containsExactlyInAnyOrder("kafka", "jobmanager", "taskmanager", "client");

        JsonNode kafka = services.get("kafka");
        assertThat(kafka.get("image").asText())
                .isEqualTo("forecaster/kafka:" + System.getProperty("kafka.version"));
        JsonNode kafkaEnv = kafka.get("environment");
        assertThat(kafkaEnv.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        String advertised = kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS").asText();
        assertThat(advertised).contains("PLAINTEXT://kafka:9092");
        // The host reaches Kafka at the port it is published on, on 127.0.0.1 only.
        String kafkaPort = "${FORECASTER_KAFKA_PORT:-9094}";
        assertThat(kafka.get("ports").get(0).asText())
                .isEqualTo("127.0.0.1:" + kafkaPort + ":9094");
        assertThat(advertised).contains("EXTERNAL://127.0.0.1:" + kafkaPort);

        for (String flink : List.of("jobmanager", "taskmanager", "client")) {
            assertThat(services.get(flink).get("image").asText()).as(flink).isEqualTo(JOB_IMAGE);
        }
        assertThat(services.get("jobmanager").get("ports").get(0).asText())
                .isEqualTo("127.0.0.1:${FORECASTER_UI_PORT:-8081}:8081");
        services.forEach(
                s -> {
                    if (s.has("ports")) {
                        s.get("ports")
                                .forEach(p -> assertThat(p.asText()).startsWith("127.0.0.1:"));
                    }
                });
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(services.get(flink).at("/environment/FLINK_PROPERTIES").asText())
                    .as(flink)
                    .contains("jobmanager.rpc.address: jobmanager");
        }

        List<String> command =
                List.of(services.get("client").get("command").asText().split("\\s+"));
        assertThat(command.subList(0, 5))
                .containsExactly("flink", "run", "-d", "-m", "jobmanager:8081");
        assertThat(command).contains(JAR_IN_IMAGE);
        Map<String, String> args = jobArgs(command);
        assertThat(args).containsEntry("kafka.bootstrap.servers", "kafka:9092");
        assertThat(args.get("model.path")).startsWith("/opt/flink/usrlib/models/");
        assertThat(ROOT.resolve("models").resolve(Path.of(args.get("model.path")).getFileName()))
                .exists();
    }

    @Test
    void flinkDeploymentRunsTheSameJarAndArguments() throws IOException {
        JsonNode dep = yaml("k8s/flink-deployment.yaml");
        assertThat(dep.get("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(dep.get("kind").asText()).isEqualTo("FlinkDeployment");
        String[] v = System.getProperty("flink.version").split("\\.");
        assertThat(dep.at("/spec/flinkVersion").asText()).isEqualTo("v" + v[0] + "_" + v[1]);
        assertThat(dep.at("/spec/image").asText()).isEqualTo(JOB_IMAGE);
        assertThat(dep.at("/spec/job/jarURI").asText()).isEqualTo("local://" + JAR_IN_IMAGE);
        assertThat(dep.at("/spec/job/entryClass").asText())
                .isEqualTo("io.forecaster.job.ForecastRunner");
        List<String> args = new ArrayList<>();
        dep.at("/spec/job/args").forEach(a -> args.add(a.asText()));

        JsonNode compose = yaml("docker-compose.yml");
        List<String> command =
                List.of(compose.at("/services/client/command").asText().split("\\s+"));
        assertThat(jobArgs(args)).isEqualTo(jobArgs(command));
        assertThat(dep.at("/spec/flinkConfiguration/pipeline.generic-types").asText())
                .isEqualTo("false");
    }

    @Test
    void standaloneConfigBindsToLoopbackAndLoadsDl4jAndOnnxRuntimeParentFirst() throws IOException {
        JsonNode conf = yaml("conf/config.yaml");
        assertThat(conf.at("/jobmanager/bind-host").asText()).isEqualTo("127.0.0.1");
        assertThat(conf.at("/jobmanager/rpc/address").asText()).isEqualTo("127.0.0.1");
        assertThat(conf.at("/taskmanager/bind-host").asText()).isEqualTo("127.0.0.1");
        assertThat(conf.at("/taskmanager/host").asText()).isEqualTo("127.0.0.1");
        assertThat(conf.at("/rest/bind-address").asText()).isEqualTo("127.0.0.1");
        assertThat(conf.at("/pipeline/generic-types").asBoolean(true)).isFalse();
        List<String> parentFirst = new ArrayList<>();
        conf.at("/classloader/parent-first-patterns/additional")
                .forEach(p -> parentFirst.add(p.asText()));
        assertThat(parentFirst).containsExactlyInAnyOrderElementsOf(PARENT_FIRST);
        assertThat(conf.at("/env/java/opts/all").asText())
                .contains("--add-modules=jdk.incubator.vector");
    }

    /**
     * The images carry the onnx engine (lib-onnx) in Flink's lib, so every configuration that runs
     * on them (the image's own config.yaml, Compose's JobManager and TaskManager on either base
     * image, Kubernetes) loads the same packages parent-first as the standalone cluster.
     */
    @Test
    void imagesCarryTheOnnxEngineAndEveryFlinkConfigurationLoadsItParentFirst() throws IOException {
        String script = Files.readString(DEPLOY.resolve("docker/build-images.sh"));
        // staged on either base image, before the public images' early return
        assertThat(script).contains("stage_onnx \"$target/flink-root/opt/flink/lib\"");
        assertThat(script.indexOf("stage_onnx \"$target/flink-root/opt/flink/lib\""))
                .isLessThan(
                        script.indexOf("if [[ \"$from_registry\" == true ]]; then\n    return"));
        assertThat(Files.readString(DEPLOY.resolve("pom.xml")))
                .contains(
                        "<includeArtifactIds>forecaster-onnx,forecaster-model,onnxruntime,"
                                + "jackson-databind,jackson-core,jackson-annotations"
                                + "</includeArtifactIds>")
                .contains("<outputDirectory>${project.build.directory}/flink/lib-onnx");

        Map<String, String> imageConf = flatYaml(DEPLOY.resolve("docker/flink/config.yaml"));
        assertThat(patterns(imageConf.get(PARENT_FIRST_KEY)))
                .as("docker/flink/config.yaml")
                .containsExactlyInAnyOrderElementsOf(PARENT_FIRST);
        JsonNode services = yaml("docker-compose.yml").get("services");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            Map<String, String> props =
                    flatYaml(services.get(flink).at("/environment/FLINK_PROPERTIES").asText());
            assertThat(patterns(props.get(PARENT_FIRST_KEY)))
                    .as("Compose %s FLINK_PROPERTIES", flink)
                    .containsExactlyInAnyOrderElementsOf(PARENT_FIRST);
        }
        JsonNode dep = yaml("k8s/flink-deployment.yaml");
        assertThat(patterns(dep.at("/spec/flinkConfiguration").get(PARENT_FIRST_KEY).asText()))
                .as("k8s flinkConfiguration")
                .containsExactlyInAnyOrderElementsOf(PARENT_FIRST);

        // The TaskManager has a slot beside the wind job's for a second (e.g. onnx) job.
        int slots =
                Integer.parseInt(
                        flatYaml(
                                        services.get("taskmanager")
                                                .at("/environment/FLINK_PROPERTIES")
                                                .asText())
                                .get("taskmanager.numberOfTaskSlots"));
        int parallelism =
                Integer.parseInt(
                        flatYaml(
                                        services.get("jobmanager")
                                                .at("/environment/FLINK_PROPERTIES")
                                                .asText())
                                .get("parallelism.default"));
        assertThat(slots).isGreaterThan(parallelism);
        // and the round trip runs such a job on the image's onnx engine, with a bundle that exists
        String roundTrip = Files.readString(DEPLOY.resolve("docker/compose-roundtrip.sh"));
        assertThat(roundTrip)
                .contains("--model.path /opt/flink/usrlib/models/sunspots-onnx.zip --engine onnx");
        assertThat(ROOT.resolve("models/sunspots-onnx.zip")).exists();
    }

    /** "key: value" lines (Flink's flat configuration, FLINK_PROPERTIES); comments skipped. */
    private static Map<String, String> flatYaml(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank() || line.startsWith("#") || colon < 0) {
                continue;
            }
            out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return out;
    }

    private static Map<String, String> flatYaml(Path file) throws IOException {
        return flatYaml(Files.readString(file));
    }

    private static List<String> patterns(String value) {
        assertThat(value).as(PARENT_FIRST_KEY).isNotNull();
        return List.of(value.split(";"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
