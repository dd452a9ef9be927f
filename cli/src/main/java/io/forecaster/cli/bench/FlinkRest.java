package io.forecaster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The few Flink REST API calls the benchmark reads its figures from. */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws IOException {
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    void cancel(String jobId) throws IOException {
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(10))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        try {
            http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Vertex name to id, in topological order. */
    Map<String, String> vertices(String jobId) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            m.put(v.path("name").asText(), v.path("id").asText());
        }
        return m;
    }

    /** The id of the first vertex whose name contains {@code part}. */
    Optional<String> vertex(String jobId, String part) throws IOException {
        return vertices(jobId).entrySet().stream()
                .filter(e -> e.getKey().contains(part))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** A vertex's records read from the network (summed over subtasks). */
    long readRecords(String jobId, String vertexId) throws IOException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("id").asText().equals(vertexId)) {
                return v.path("metrics").path("read-records").asLong();
            }
        }
        return -1;
    }

    /**
     * A subtask metric aggregated over a vertex's subtasks ({@code agg}: sum, avg, max), or NaN.
     */
    double vertexMetric(String jobId, String vertexId, String metric, String agg)
            throws IOException {
        JsonNode a =
                get(
                        "/jobs/"
                                + jobId
                                + "/vertices/"
                                + vertexId
                                + "/subtasks/metrics?get="
                                + URLEncoder.encode(metric, StandardCharsets.UTF_8)
                                + "&agg="
                                + agg);
        for (JsonNode m : a) {
            if (m.path("id").asText().equals(metric) && m.has(agg)) {
                return m.path(agg).asDouble();
            }
        }
        return Double.NaN;
    }

    /** The names of a vertex's subtask metrics containing {@code part}. */
    java.util.List<String> metricNames(String jobId, String vertexId, String part)
            throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")) {
            String id = m.path("id").asText();
            if (id.contains(part)) {
                names.add(id);
            }
        }
        return names;
    }

    /** Heap used and heap max over all TaskManagers, bytes. */
    long[] taskManagerHeap() throws IOException {
        long used = 0;
        long max = 0;
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            JsonNode ms =
                    get(
                            "/taskmanagers/"
                                    + tm.path("id").asText()
                                    + "/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max");
            for (JsonNode m : ms) {
                long v = (long) Double.parseDouble(m.path("value").asText("0"));
                if (m.path("id").asText().endsWith("Used")) {
                    used += v;
                } else {
                    max += v;
                }
            }
        }
        return new long[] {used, max};
    }

    /** {@code /jobs/<id>/checkpoints}. */
    JsonNode checkpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints");
    }
}
