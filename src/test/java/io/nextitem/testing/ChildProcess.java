package io.nextitem.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command run to its end, its output read in the background (a process it starts may outlive it and keep no pipe). */
public final class ChildProcess {
    private ChildProcess() {}

    public record Result(int exit, String output) {}

    /** Runs {@code command}; fails the test if it has not finished within {@code timeout}. */
    public static Result run(List<String> command, Duration timeout) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), output.get(30, TimeUnit.SECONDS));
    }
}
