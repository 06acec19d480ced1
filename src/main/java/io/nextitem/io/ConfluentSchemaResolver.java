package io.nextitem.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Finds the writer schema for a Confluent wire-format schema id: first in the configured local
 * id → file map, then (when a URL is configured) in a Confluent-compatible registry over its
 * REST API ({@code GET /schemas/ids/{id}}). Schemas are immutable per id, so hits are cached
 * for the life of the operator.
 */
public final class ConfluentSchemaResolver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, Schema> cache = new ConcurrentHashMap<>();
    private final String registryUrl;
    private final HttpClient http;

    public ConfluentSchemaResolver(Map<Integer, String> localIds, String schemaDir, String registryUrl) {
        localIds.forEach((id, file) -> cache.put(id, WriterSchemas.parse(Path.of(schemaDir).resolve(file))));
        this.registryUrl = registryUrl == null ? null : registryUrl.replaceAll("/+$", "");
        this.http = registryUrl == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Thrown when the registry cannot be asked; the record is dead-lettered, not dropped. */
    public static final class RegistryUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @return the schema, or empty when neither the local map nor the registry knows the id */
    public Optional<Schema> resolve(int schemaId) throws RegistryUnavailableException {
        Schema known = cache.get(schemaId);
        if (known != null || registryUrl == null) {
            return Optional.ofNullable(known);
        }
        Optional<Schema> fetched = fetch(schemaId);
        fetched.ifPresent(schema -> cache.put(schemaId, schema));
        return fetched;
    }

    private Optional<Schema> fetch(int schemaId) throws RegistryUnavailableException {
        URI uri = URI.create(registryUrl + "/schemas/ids/" + schemaId);
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new RegistryUnavailableException("schema registry answered HTTP " + response.statusCode()
                        + " for " + uri, null);
            }
            JsonNode body = JSON.readTree(response.body());
            return Optional.of(new Schema.Parser().parse(body.path("schema").asText()));
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + uri + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted asking " + uri, e);
        }
    }
}
