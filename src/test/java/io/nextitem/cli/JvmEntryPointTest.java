package io.nextitem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * main inside someone else's JVM (Flink's JobManager under REST submission or application mode,
 * here the test runner) must never call System.exit: if it did, this JVM would die and surefire
 * would fail the run with "The forked VM terminated without properly saying goodbye".
 */
class JvmEntryPointTest {

    @Test
    void onlyTheLauncherStackOwnsTheJvm() {
        assertThat(JvmEntryPoint.isLauncherStack("main", NextItemCli.class.getName(), NextItemCli.class.getName(), "main")).isTrue();
        // A REST submission: main called by reflection on a JobManager thread.
        assertThat(JvmEntryPoint.isLauncherStack("flink-rest-server-netty-worker-thread-1",
                NextItemCli.class.getName(), "java.lang.Thread", "run")).isFalse();
        // `flink run`: main called by reflection from CliFrontend on the client's main thread.
        assertThat(JvmEntryPoint.isLauncherStack("main", NextItemCli.class.getName(),
                "org.apache.flink.client.cli.CliFrontend", "main")).isFalse();
        // Another entry class's main (nextitem.jar's) on the launcher stack is not this one's.
        assertThat(JvmEntryPoint.isLauncherStack("main", NextItemCli.class.getName(), "io.nextitem.tools.cli.NextItemToolsCli", "main")).isFalse();
    }

    @Test
    void aTestRunnerThreadIsNotTheLauncher() {
        assertThat(JvmEntryPoint.calledByJvmLauncher(NextItemCli.class)).isFalse();
    }

    @Test
    void successInsideAForeignJvmReturnsWithoutExiting() {
        NextItemCli.main(new String[] {"--version"});
    }

    @Test
    void failureInsideAForeignJvmIsThrownWithTheCliMessage() {
        assertThatThrownBy(() -> NextItemCli.main(new String[] {"run", "--config", "no-such-config.yaml"}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nextitem run failed (exit 2)")
                .hasMessageContaining("no-such-config.yaml");
    }
}
