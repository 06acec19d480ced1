package io.nextitem.tools.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Flink's REST API as the dashboard and operators use it: upload a jar ({@code /jars/upload}),
 * run it ({@code /jars/:id/run}, what "Submit New Job" does), stop a job with a savepoint, and
 * read jobs, task managers and checkpoints. A refused request throws with Flink's own errors
 * (for a failed submission that is the job's main's stack trace, which Flink returns in the reply
 * rather than in any log).
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public FlinkRestClient(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    public URI base() {
        return base;
    }

    /** Uploads a jar; returns the id Flink gives it. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "nextitem-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .timeout(Duration.ofMinutes(2)).build();
        String filename = send(request).path("filename").asText();
        return Path.of(filename).getFileName().toString();
    }

    /** Runs an uploaded jar's main with these arguments; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism,
                         String savepointPath) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.set("programArgsList", JSON.valueToTree(programArgs));
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
        }
        return send(post("/jars/" + jarId + "/run", body, Duration.ofMinutes(3))).path("jobid").asText();
    }

    /** RUNNING, FINISHED, FAILED, ... of one job. */
    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    public JsonNode job(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    public JsonNode jobs() throws IOException {
        return get("/jobs/overview");
    }

    public JsonNode taskManagers() throws IOException {
        return get("/taskmanagers");
    }

    public JsonNode checkpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /**
     * Waits until the job and every one of its tasks run (after a submission or a recovery);
     * throws with the job's failure cause if it ends instead.
     */
    public void awaitAllRunning(String jobId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode details = job(jobId);
            String state = details.path("state").asText();
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new IOException("job " + jobId + " ended " + state + " instead of running: " + failureCause(jobId));
            }
            boolean allRunning = state.equals("RUNNING");
            for (JsonNode vertex : details.path("vertices")) {
                allRunning &= vertex.path("status").asText().equals("RUNNING");
            }
            if (allRunning) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + " not fully running within " + timeout + " (" + state + ")");
            }
            pause(Duration.ofMillis(200));
        }
    }

    /** The highest attempt number of any subtask: how often the job restarted (a restart reaches every subtask here). */
    public int highestAttempt(String jobId) throws IOException {
        int attempts = 0;
        for (JsonNode vertex : job(jobId).path("vertices")) {
            for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText()).path("subtasks")) {
                attempts = Math.max(attempts, subtask.path("attempt").asInt());
            }
        }
        return attempts;
    }

    /** The newest failure's stack trace, as the dashboard's Exceptions tab shows it. */
    public String failureCause(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").path(0)
                .path("stacktrace").asText();
    }

    /** The task managers (their ids) that run subtasks of any vertex of the job. */
    public java.util.Set<String> taskManagersOf(String jobId) throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** Stops the job with a savepoint into {@code targetDirectory}; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        String trigger = send(post("/jobs/" + jobId + "/stop", body, Duration.ofSeconds(30))).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of " + jobId + " failed: "
                            + operation.path("failure-cause").path("stack-trace").asText());
                }
                return operation.path("location").asText();
            }
            pause(Duration.ofMillis(250));
        }
        throw new IOException("stop-with-savepoint of " + jobId + " not complete within " + timeout);
    }

    /** Cancels a job (PATCH /jobs/:id). */
    public void cancel(String jobId) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
        send(request);
    }

    /** True when the REST endpoint answers. */
    public boolean isUp() {
        try {
            get("/overview");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30)).build());
    }

    private HttpRequest post(String path, JsonNode body, Duration timeout) throws IOException {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).timeout(timeout).build();
    }

    private JsonNode send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                    + (body.has("errors") ? String.join("\n", JSON.convertValue(body.path("errors"), String[].class))
                    : response.body()));
        }
        return body;
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());   // Flink's REST API has no completion push: polled
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
