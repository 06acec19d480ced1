package io.nextitem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.util.FileUtils;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What most end-to-end test classes stand on: the broker of {@link BrokerITCase} and one Flink
 * MiniCluster (1 task manager, 2 slots: the job's parallelism) for all tests of the class.
 */
public abstract class BrokerAndFlinkITCase extends BrokerITCase {
    /**
     * Where the MiniCluster's task manager writes the jobs' state changelogs (checkpoint.changelog):
     * the changelog storage is a task manager setting, as on a real cluster (deploy/flink/config.yaml),
     * so the tests recover from durable logs, not Flink's in-memory test storage.
     */
    protected static final Path CHANGELOG_DIR = temporaryFolder("nextitem-itcase-changelog");

    @RegisterExtension
    protected static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(changelogStorage(CHANGELOG_DIR))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    /** A task manager's filesystem changelog storage under {@code dir}. */
    public static Configuration changelogStorage(Path dir) {
        Configuration conf = new Configuration();
        conf.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
        conf.set(FsStateChangelogOptions.BASE_PATH, dir.toUri().toString());
        return conf;
    }

    private static Path temporaryFolder(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtils.deleteDirectoryQuietly(dir.toFile())));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
