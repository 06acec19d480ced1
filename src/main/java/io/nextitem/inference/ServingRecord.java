package io.nextitem.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * The serving decision where the trainer reads it: {@value #FILE} in the registry, written by the
 * job (one subtask) whenever the version serving everyone or the canary changes. The job decides
 * by folding model.updates-topic ({@link Rollout}); `finetune` continues the version this names,
 * so it trains what users get, not merely the newest folder (a pin, a rollback, a canary's control).
 *
 * @param serving the version folder serving every user outside a canary
 * @param canary  the canary on trial, or null
 */
public record ServingRecord(String serving, Rollout.Canary canary) {
    public static final String FILE = "serving.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Written to a hidden file and renamed, so a reader never sees half of it. */
    void writeTo(Path registry) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("serving", serving);
        if (canary == null) {
            root.putNull("canary");
        } else {
            root.putObject("canary").put("candidate", canary.candidate()).put("share", canary.share())
                    .put("shadow", canary.shadow());
        }
        root.put("written_at", Instant.now().toString());
        root.put("written_by", "nextitem job: the serving decision folded from model.updates-topic");
        Path staging = registry.resolve("." + FILE + ".tmp");
        Files.writeString(staging, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        Files.move(staging, registry.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
