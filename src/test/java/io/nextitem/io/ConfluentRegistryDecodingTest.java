package io.nextitem.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.MalformedClicks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Confluent wire format against a real HTTP server speaking the registry's REST API
 * (GET /schemas/ids/{id}): found, unknown, and broken registry.
 */
class ConfluentRegistryDecodingTest {
    private HttpServer registry;
    private final AtomicInteger lookups = new AtomicInteger();

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/schemas/ids/", exchange -> {
            lookups.incrementAndGet();
            String id = exchange.getRequestURI().getPath().replaceAll(".*/", "");
            int status;
            String body;
            switch (id) {
                case "11" -> {
                    status = 200;
                    body = new ObjectMapper().writeValueAsString(Map.of("schema", ClickEvent.getClassSchema().toString()));
                }
                case "13" -> {
                    status = 500;
                    body = "{\"error_code\":50001}";
                }
                default -> {
                    status = 404;
                    body = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    private ClickEventDecoder decoder() {
        DecoderSettings settings = new DecoderSettings();
        settings.schemaRegistryUrl = "http://127.0.0.1:" + registry.getAddress().getPort() + "/";
        return new ClickEventDecoder(settings, new ClickEventValidator(settings, () -> Clicks.T0));
    }

    private static byte[] confluent(int id, ClickEvent click) {
        return MalformedClicks.confluent(id, MalformedClicks.singleObject(click));
    }

    @Test
    void resolvesTheWriterSchemaFromTheRegistryOnceAndCachesIt() {
        ClickEventDecoder decoder = decoder();
        ClickEvent first = Clicks.click("u1", "i1", Clicks.T0);
        ClickEvent second = Clicks.click("u2", "i2", Clicks.T0 + 1);
        assertThat(decoder.decode(confluent(11, first))).isEqualTo(new DecodeOutcome.Accepted(first));
        assertThat(decoder.decode(confluent(11, second))).isEqualTo(new DecodeOutcome.Accepted(second));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchema() {
        assertThat(decoder().decode(confluent(12, Clicks.click("u1", "i1", Clicks.T0))))
                .isInstanceOfSatisfying(DecodeOutcome.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
    }

    @Test
    void aFailingRegistryDeadLettersTheRecordInsteadOfFailingTheJob() {
        assertThat(decoder().decode(confluent(13, Clicks.click("u1", "i1", Clicks.T0))))
                .isInstanceOfSatisfying(DecodeOutcome.Rejected.class, r -> {
                    assertThat(r.reason()).isEqualTo(DeadLetterReason.REGISTRY_UNAVAILABLE);
                    assertThat(r.message()).contains("HTTP 500");
                });
        registry.stop(0);
        assertThat(decoder().decode(confluent(14, Clicks.click("u1", "i1", Clicks.T0))))
                .isInstanceOfSatisfying(DecodeOutcome.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.REGISTRY_UNAVAILABLE));
    }
}
