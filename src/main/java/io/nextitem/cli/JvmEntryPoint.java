package io.nextitem.cli;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether {@code NextItemCli.main} was started by the JVM itself ({@code java -jar nextitem.jar},
 * {@code java -cp ... io.nextitem.cli.NextItemCli}) or called by someone else's process: Flink's
 * JobManager runs it for a REST submission ("Submit New Job", {@code /jars/:id/run}) and in
 * application mode, and Flink's CLI runs it in the client. Only a JVM we started may be ended
 * with {@link System#exit}: inside a JobManager that would take the whole cluster down.
 */
final class JvmEntryPoint {
    private JvmEntryPoint() {}

    /** True when {@code entryClass}'s main is the outermost frame of its thread and that thread is "main". */
    static boolean calledByJvmLauncher(Class<?> entryClass) {
        List<StackWalker.StackFrame> frames = StackWalker.getInstance().walk(s -> s.collect(Collectors.toList()));
        // The launcher calls main through JNI: no Java frame below it. Flink calls it by
        // reflection from PackagedProgram, so its frames (and the reflection frames) sit below.
        return isLauncherStack(Thread.currentThread().getName(), entryClass.getName(),
                frames.get(frames.size() - 1).getClassName(),
                frames.get(frames.size() - 1).getMethodName());
    }

    static boolean isLauncherStack(String threadName, String entryClass, String outermostClass, String outermostMethod) {
        return "main".equals(threadName)
                && entryClass.equals(outermostClass)
                && "main".equals(outermostMethod);
    }
}
