package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.model.IdVocabulary;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inputs contract (schemas/model/inputs-contract.json) from the job's side: every case's raw
 * clicks, through a version whose items.tsv, users.tsv and categories.tsv hold the contract's ids,
 * give the inputs the file holds (padded as the batcher pads a row beside a full-length one) and
 * the counts and seen list the job reports; the trainer's side is tests/test_model_contract.py.
 * A copy of the file with the padding, the order or the id map changed is caught.
 */
class InputsContractTest {
    static final Path CONTRACT = Path.of("schemas", "model", "inputs-contract.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyCaseGivesTheContractsInputs() throws IOException {
        JsonNode contract = JSON.readTree(CONTRACT.toFile());
        assertThat(contract.path("cases")).as("cases").hasSizeGreaterThan(5);
        assertThat(mismatches(contract, tmp)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"padding on the right", "order reversed", "item id map shifted by one"})
    void aChangedCopyOfTheContractIsCaught(String mutation) throws IOException {
        JsonNode contract = JSON.readTree(CONTRACT.toFile());
        ObjectNode changed = contract.deepCopy();
        switch (mutation) {
            case "padding on the right" -> editRows(changed, row -> {
                long[] kept = Arrays.stream(row).filter(v -> v != 0).toArray();
                return Arrays.copyOf(kept, row.length);
            });
            case "order reversed" -> editRows(changed, row -> {
                long[] kept = Arrays.stream(row).filter(v -> v != 0).toArray();
                long[] out = new long[row.length];
                IntStream.range(0, kept.length).forEach(i -> out[row.length - 1 - i] = kept[i]);
                return out;
            });
            default -> {
                ArrayNode items = (ArrayNode) changed.path("items");
                items.add(items.remove(0));
            }
        }
        Path copy = tmp.resolve(CONTRACT.getFileName());
        JSON.writeValue(copy.toFile(), changed);
        JsonNode reread = JSON.readTree(copy.toFile());

        List<String> found = mismatches(reread, Files.createDirectories(tmp.resolve("version")));
        Set<String> affected = new LinkedHashSet<>();
        for (int i = 0; i < reread.path("cases").size(); i++) {
            JsonNode now = reread.path("cases").path(i);
            boolean idsMoved = !reread.path("items").equals(contract.path("items"));
            if (!now.path("inputs").isNull() && (idsMoved || !now.path("inputs").equals(contract.path("cases").path(i).path("inputs")))) {
                affected.add(now.path("name").asText());
            }
        }
        assertThat(affected).as(mutation + " changes some case").isNotEmpty();
        Set<String> caught = new LinkedHashSet<>();
        for (String name : affected) {
            if (found.stream().anyMatch(m -> m.startsWith(name + ": "))) {
                caught.add(name);
            }
        }
        assertThat(caught).as(mutation + ": every changed case is caught; found " + found).isEqualTo(affected);
    }

    /** Every difference between the contract and what the job makes of its cases. */
    static List<String> mismatches(JsonNode contract, Path versionDir) throws IOException {
        int length = contract.path("max_seq_len").asInt();
        ModelVersion version = version(contract, versionDir);
        List<String> found = new ArrayList<>();
        for (JsonNode c : contract.path("cases")) {
            if (!paths(c).contains("job")) {
                continue;
            }
            String name = c.path("name").asText();
            RequestInputs got = RequestInputs.of(request(c), version);
            JsonNode job = c.path("job");
            compare(found, name, "unknown items", job.path("unknown_items").asInt(), got.unknownItems());
            compare(found, name, "unknown categories", job.path("unknown_categories").asInt(), got.unknownCategories());
            compare(found, name, "user unknown", job.path("user_unknown").asBoolean(), got.userUnknown());
            compare(found, name, "seen indices", Arrays.toString(longs(job.path("seen_indices"))),
                    Arrays.toString(got.seenIndices()));
            JsonNode expected = c.path("inputs");
            if (expected.isNull() || got.inputs() == null) {
                compare(found, name, "inputs", expected.isNull() ? "nothing" : "inputs", got.inputs() == null ? "nothing" : "inputs");
                continue;
            }
            assertThat(got.inputs().batchSize()).isEqualTo(1);
            EncoderInputs row = paddedBesideAFullRow(got.inputs(), length);
            var tensors = contract.path("tensors").fields();
            while (tensors.hasNext()) {
                Map.Entry<String, JsonNode> tensor = tensors.next();
                String input = tensor.getKey();
                JsonNode spec = tensor.getValue();
                compare(found, name, input + " dtype", spec.path("dtype").asText(), "int64");  // the job feeds longs only
                boolean perPosition = spec.path("shape").size() == 2;
                if (!row.has(input)) {
                    found.add(name + ": " + input + " missing");
                } else if (perPosition) {
                    compare(found, name, input, Arrays.toString(longs(expected.path(input).path(0))),
                            Arrays.toString(row.sequences().get(input)[0]));
                } else {
                    compare(found, name, input, Arrays.toString(longs(expected.path(input))),
                            Arrays.toString(new long[] {row.perRowValues().get(input)[0]}));
                }
            }
        }
        return found;
    }

    /** A version of the contract's ids, as the trainer's export writes them, and the inputs it lists. */
    private static ModelVersion version(JsonNode contract, Path dir) throws IOException {
        List<String> inputs = new ArrayList<>();
        contract.path("tensors").fieldNames().forEachRemaining(inputs::add);
        int length = contract.path("max_seq_len").asInt();
        IdVocabulary items = vocabulary(contract.path("items"), dir.resolve("items.tsv"), "item");
        IdVocabulary users = vocabulary(contract.path("users"), dir.resolve(ModelManifest.USERS_FILE), "user");
        IdVocabulary categories = vocabulary(contract.path("categories"), dir.resolve(ModelManifest.CATEGORIES_FILE), "category");
        ModelManifest manifest = new ModelManifest(ModelManifest.SUPPORTED_FORMAT, "contract", "inputs-contract", null,
                "2026-01-01T00:00:00Z", inputs, length, items.size(), users.size(), categories.size(), 10, 10 + length, Map.of(), null);
        return new ModelVersion(dir, manifest, items, users, categories, null, new byte[0]);
    }

    private static IdVocabulary vocabulary(JsonNode ids, Path file, String kind) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            lines.append(i + 1).append('\t').append(ids.path(i).asText()).append('\n');
        }
        Files.writeString(file, lines);
        return IdVocabulary.read(file, ids.size(), kind);
    }

    private static ScoringRequest request(JsonNode c) {
        JsonNode clicks = c.path("clicks");
        String[] items = new String[clicks.size()];
        long[] times = new long[clicks.size()];
        String[] categories = new String[clicks.size()];
        for (int i = 0; i < clicks.size(); i++) {
            items[i] = clicks.path(i).path("item_id").asText();
            times[i] = clicks.path(i).path("time_ms").asLong();
            categories[i] = clicks.path(i).path("category").isNull() ? null : clicks.path(i).path("category").asText();
        }
        long triggerTime = times.length == 0 ? 0L : times[times.length - 1];
        return new ScoringRequest(c.path("user_id").asText(), "contract-" + c.path("name").asText(), triggerTime, items, times,
                categories);
    }

    /** The request's row as the batcher pads it when a full-length row shares its batch. */
    private static EncoderInputs paddedBesideAFullRow(EncoderInputs inputs, int length) {
        EncoderInputs full = EncoderInputs.ofItems(new long[1][length]);
        inputs.sequences().keySet().stream().filter(n -> !n.equals(EncoderInputs.ITEM_SEQ))
                .forEach(n -> full.withSequence(n, new long[1][length]));
        inputs.perRowValues().keySet().forEach(n -> full.withPerRow(n, new long[1]));
        EncoderInputs both = EncoderInputs.stack(List.of(inputs, full));
        EncoderInputs first = EncoderInputs.ofItems(new long[][] {both.sequences().get(EncoderInputs.ITEM_SEQ)[0]});
        both.sequences().forEach((n, v) -> {
            if (!n.equals(EncoderInputs.ITEM_SEQ)) {
                first.withSequence(n, new long[][] {v[0]});
            }
        });
        both.perRowValues().forEach((n, v) -> first.withPerRow(n, new long[] {v[0]}));
        return first;
    }

    private static void editRows(ObjectNode contract, java.util.function.UnaryOperator<long[]> edit) {
        for (JsonNode c : contract.path("cases")) {
            JsonNode inputs = c.path("inputs");
            if (inputs.isNull()) {
                continue;
            }
            contract.path("tensors").fields().forEachRemaining(tensor -> {
                if (tensor.getValue().path("shape").size() == 2) {
                    ArrayNode row = (ArrayNode) inputs.path(tensor.getKey()).path(0);
                    long[] edited = edit.apply(longs(row));
                    row.removeAll();
                    Arrays.stream(edited).forEach(row::add);
                }
            });
        }
    }

    private static List<String> paths(JsonNode c) {
        List<String> out = new ArrayList<>();
        c.path("paths").forEach(p -> out.add(p.asText()));
        return out;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.path(i).asLong();
        }
        return out;
    }

    private static void compare(List<String> found, String name, String what, Object expected, Object got) {
        if (!expected.equals(got)) {
            found.add(name + ": " + what + " is " + got + ", expected " + expected);
        }
    }
}
