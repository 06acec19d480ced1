package io.nextitem.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void aPassedRunRemovesItsFolderButNotWhatItsLinksPointAt() throws Exception {
        Path version = Files.writeString(Files.createDirectories(tmp.resolve("registry-elsewhere")).resolve("model.onnx"), "x");
        Path work = Files.createDirectories(tmp.resolve("work/registry"));
        Files.writeString(work.resolve("broker.log"), "log");
        Files.createSymbolicLink(work.resolve("v1"), version.getParent());
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        WorkFolders.finish(tmp.resolve("work"), true, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(tmp.resolve("work")).doesNotExist();
        assertThat(version).hasContent("x");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aFailedRunKeepsItsFolderAndSaysWhere() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("taskmanager.log"), "why it failed");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        WorkFolders.finish(work, false, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(work.resolve("taskmanager.log")).hasContent("why it failed");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("kept the work folder of the failed run", work.toString());
    }
}
