package io.nextitem.testing;

import io.nextitem.tools.build.BuildOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's own command-line tools, as the distribution's scripts run them: {@code kafka-topics.sh}
 * is {@code kafka-run-class.sh org.apache.kafka.tools.TopicCommand "$@"}, {@code
 * kafka-console-consumer.sh} is {@code ...tools.consumer.ConsoleConsumer}, in a JVM of their own
 * on the broker's classpath (src/broker/pom.xml, which has kafka-tools as the distribution's libs/ does).
 */
public final class KafkaTool {
    public static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    public static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";

    private KafkaTool() {}

    public static ChildProcess.Result run(String mainClass, List<String> args, Duration timeout) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", BuildOutputs.readClasspath("kafka-broker.classpath", "nextitem.broker.classpath", "NEXTITEM_BROKER_CLASSPATH"),
                mainClass));
        command.addAll(args);
        return ChildProcess.run(command, timeout);
    }
}
