package io.nextitem.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics, leaving existing ones alone, and returns once every partition has a leader:
 * a producer that starts on a topic whose leader is not yet known gets NOT_LEADER_OR_FOLLOWER
 * answers and retries, which on a loaded machine ran into out-of-order sequence errors.
 */
public final class KafkaTopics {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private KafkaTopics() {}

    public static void create(String bootstrapServers, int partitions, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        create(bootstrapServers, Map.of(), partitions, names);
    }

    /** As {@link #create(String, int, List)}, with client settings (security) for the admin client. */
    public static void create(String bootstrapServers, Map<String, ?> clientProperties, int partitions, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Object> config = new java.util.HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, names);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            boolean led = topics.values().stream()
                    .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            if (led) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " still have partitions without a leader after " + LEADER_WAIT);
            }
            Thread.sleep(50);
        }
    }
}
