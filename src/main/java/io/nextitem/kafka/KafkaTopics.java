package io.nextitem.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics, leaving existing ones alone. */
public final class KafkaTopics {
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
        }
    }
}
