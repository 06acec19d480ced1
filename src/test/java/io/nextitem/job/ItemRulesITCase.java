package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.avro.ItemUpdate;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.JobConfig;
import io.nextitem.items.ItemUpdateFile;
import io.nextitem.items.ItemUpdatePublisher;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickReplayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Item rules on the real job (MiniCluster, KRaft broker, the demo model, exactly-once output):
 * the rules on items.topic before the start hold from the first list; an update written while the
 * job runs holds from the lists after it is read; the category cap holds on every list; with a
 * fifth of the catalogue unavailable the lists stay K long from the model; bad updates are
 * dead-lettered without a restart; and the rules come back from the checkpoint after a task
 * manager dies, even with the topic's records gone.
 */
class ItemRulesITCase extends BrokerAndFlinkITCase {
    private static final int K = 10;
    private static final int MAX_PER_CATEGORY = 4;
    private static final int CATEGORIES = 5;

    @Test
    void everyListKeepsTheRulesFromTheFirstAndAnUpdateFromWhenItIsRead() throws Exception {
        JobConfig config = configWithItems("checkpoints-rules");
        List<String> catalogue = DemoModel.itemIds();
        List<String> blocked = mostPopular(3);
        Set<String> unavailable = unavailableFifth(catalogue, blocked);
        publishCatalogue(config, catalogue, blocked, unavailable);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(config.items.topic, bytes("bad-1"), new byte[] {1, 2, 3, 4})).get();
            ItemUpdate other = ItemUpdate.newBuilder().setItemId("sku-a").setAvailable(false).setUpdatedAtMillis(1L).build();
            producer.send(new ProducerRecord<>(config.items.topic, bytes("sku-b"), ItemUpdatePublisher.bytesOf(other))).get();
        }
        JobClient job = JobUnderTest.start(broker, config);

        List<ClickEvent> first = clicks(catalogue, unavailable, 0, 6, 1);
        List<Recommendation> before = sendAndRead(config, first, 0);
        String goneItem = mostListed(before);
        // The second round goes out in steps while the update is written a third of the way in, so
        // lists are emitted before, around and after the moment the stage reads it.
        List<ClickEvent> second = clicks(catalogue, unavailable, 6, 12, 2);
        long updateWrittenMillis = 0;
        try (ClickReplayer clicks = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            int steps = 12;
            for (int step = 0; step < steps; step++) {
                if (step == steps / 3) {
                    updateWrittenMillis = System.currentTimeMillis();
                    ItemUpdatePublisher.publish(broker.bootstrapServers(), Map.of(), config.items.topic, List.of(
                            new ItemUpdateFile.Entry(goneItem, ItemUpdate.newBuilder().setItemId(goneItem)
                                    .setAvailable(false).setUpdatedAtMillis(updateWrittenMillis).build())));
                }
                for (ClickEvent click : second.subList(step * second.size() / steps, (step + 1) * second.size() / steps)) {
                    clicks.send(click);
                }
                clicks.flush();
                Thread.sleep(300); // pacing a producer, not waiting for the job
            }
        }
        List<Recommendation> after = sendAndRead(config, List.of(), first.size() + second.size());
        List<DeadLetter> deadLetters = KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.deadLetterTopic,
                2, Duration.ofSeconds(30), Duration.ofSeconds(1)).stream()
                .map(r -> JobUnderTest.decode(r, DeadLetter::fromByteBuffer)).toList();

        assertThat(job.getJobStatus().get()).as("bad updates never failed or restarted the job").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        List<Recommendation> all = after; // every list of both rounds
        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .as("one list per click").hasSize(first.size() + second.size());
        Map<String, String> categories = categories(catalogue);
        for (Recommendation list : all) {
            List<String> items = ids(list);
            assertThat(items).as(list.getTriggerEventId()).hasSize(K).doesNotContainAnyElementsOf(blocked)
                    .doesNotContainAnyElementsOf(unavailable);
            Map<String, Long> perCategory = items.stream().filter(categories::containsKey)
                    .collect(Collectors.groupingBy(categories::get, Collectors.counting()));
            assertThat(perCategory.values()).as("category cap on " + list.getTriggerEventId())
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX_PER_CATEGORY));
        }
        assertThat(all).as("cold users' popularity lists are filtered too")
                .anyMatch(list -> list.getSource() == RecommendationSource.POPULARITY);

        List<Recommendation> model = all.stream().filter(l -> l.getSource() == RecommendationSource.MODEL).toList();
        long fromModelAlone = model.stream().filter(l -> l.getItems().stream().noneMatch(RankedItem::getFilled)).count();
        double share = (double) fromModelAlone / model.size();
        System.out.printf("item rules: %d of %d model lists K long from the model alone (%.3f) with %d of %d items "
                + "unavailable%n", fromModelAlone, model.size(), share, unavailable.size(), catalogue.size());
        assertThat(share).isGreaterThanOrEqualTo(0.95);

        long listedBefore = before.stream().filter(l -> ids(l).contains(goneItem)).count();
        assertThat(listedBefore).as(goneItem + " was listed before the update").isPositive();
        final long written = updateWrittenMillis;
        long lastWithGone = all.stream().filter(l -> ids(l).contains(goneItem)).mapToLong(Recommendation::getEmitTimeMillis)
                .max().orElseThrow();
        long listedAfterWrite = all.stream().filter(l -> l.getEmitTimeMillis() >= written && ids(l).contains(goneItem)).count();
        long respecting = all.stream().filter(l -> l.getEmitTimeMillis() > lastWithGone).count();
        long afterWrite = all.stream().filter(l -> l.getEmitTimeMillis() >= written).count();
        long firstAfterWrite = all.stream().mapToLong(Recommendation::getEmitTimeMillis).filter(t -> t >= written)
                .min().orElseThrow();
        System.out.printf("item rules: %s was in %d of %d lists before the update; of the %d lists emitted after it was "
                + "written (the first %d ms after), %d held it, the last list holding it %d ms after the write; %d lists "
                + "followed that one%n", goneItem, listedBefore, before.size(), afterWrite, firstAfterWrite - written,
                listedAfterWrite, lastWithGone - written, respecting);
        assertThat(lastWithGone - written).as("no list holds the item once the update is read").isLessThan(5_000);
        assertThat(respecting).isGreaterThanOrEqualTo(second.size() / 2);

        assertThat(deadLetters).extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(DeadLetterReason.UNKNOWN_MAGIC, DeadLetterReason.INVALID_ID);
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.getTopic()).isEqualTo(config.items.topic));
    }

    @Test
    void theRulesComeBackFromTheCheckpointAfterATaskManagerDies(@InjectMiniCluster MiniCluster cluster) throws Exception {
        JobConfig config = configWithItems("checkpoints-kill");
        List<String> catalogue = DemoModel.itemIds();
        List<String> blocked = mostPopular(3);
        Set<String> unavailable = unavailableFifth(catalogue, blocked);
        publishCatalogue(config, catalogue, blocked, unavailable);
        JobClient job = JobUnderTest.startRecoverable(broker, config);

        List<ClickEvent> first = clicks(catalogue, unavailable, 0, 4, 3);
        sendAndRead(config, first, 0); // committed: a checkpoint holds the rules
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            // The topic's records are gone: only the checkpoint can bring the rules back.
            admin.deleteRecords(Map.of(new TopicPartition(config.items.topic, 0), RecordsToDelete.beforeOffset(-1L)))
                    .all().get();
        }
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        List<ClickEvent> second = clicks(catalogue, unavailable, 4, 8, 4);
        List<Recommendation> all = sendAndRead(config, second, first.size());
        job.cancel().get();

        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .as("one list per click across the recovery").hasSize(first.size() + second.size());
        Set<String> afterKill = second.stream().map(ClickEvent::getEventId).collect(Collectors.toSet());
        List<Recommendation> recovered = all.stream().filter(l -> afterKill.contains(l.getTriggerEventId())).toList();
        assertThat(recovered).hasSize(second.size()).allSatisfy(list -> assertThat(ids(list))
                .doesNotContainAnyElementsOf(blocked).doesNotContainAnyElementsOf(unavailable));
    }

    private JobConfig configWithItems(String checkpoints) throws Exception {
        JobConfig config = JobUnderTest.configFor(broker, DemoModel.REGISTRY, Files.createDirectories(tmp.resolve(checkpoints)));
        config.items.topic = config.kafka.clicksTopic.replace("clicks-", "items-");
        config.items.maxPerCategory = MAX_PER_CATEGORY;
        config.model.batchMaxSize = 16;
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.items.topic));
        return config.validated();
    }

    /** Every item gets a category; the blocked and a fifth of the rest are left out; all before the job starts. */
    private void publishCatalogue(JobConfig config, List<String> catalogue, List<String> blocked, Set<String> unavailable)
            throws Exception {
        Map<String, String> categories = categories(catalogue);
        List<ItemUpdateFile.Entry> entries = new ArrayList<>();
        for (String item : catalogue) {
            entries.add(new ItemUpdateFile.Entry(item, ItemUpdate.newBuilder().setItemId(item)
                    .setAvailable(!unavailable.contains(item)).setBlocked(blocked.contains(item))
                    .setCategory(categories.get(item)).setReason(blocked.contains(item) ? "legal" : null)
                    .setUpdatedAtMillis(1L).build()));
        }
        ItemUpdatePublisher.publish(broker.bootstrapServers(), Map.of(), config.items.topic, entries);
    }

    private static Map<String, String> categories(List<String> catalogue) {
        Map<String, String> categories = new HashMap<>();
        for (int i = 0; i < catalogue.size(); i++) {
            categories.put(catalogue.get(i), "c" + (i % CATEGORIES));
        }
        return categories;
    }

    /** The demo version's most popular items: the first of every cold user's list, were they not blocked. */
    private static List<String> mostPopular(int n) throws Exception {
        return Files.readAllLines(DemoModel.versionFolder().resolve("popularity.tsv")).stream()
                .limit(n).map(line -> line.split("\t")[0]).toList();
    }

    private static Set<String> unavailableFifth(List<String> catalogue, List<String> blocked) {
        List<String> rest = new ArrayList<>(catalogue);
        rest.removeAll(blocked);
        Collections.shuffle(rest, new Random(11));
        return new HashSet<>(rest.subList(0, catalogue.size() / 5));
    }

    /** 150 users, one click a minute in [fromMinute, toMinute); every 10th user starts cold on a new item. */
    private static List<ClickEvent> clicks(List<String> catalogue, Set<String> unavailable, int fromMinute, int toMinute,
                                           long seed) {
        List<String> clickable = catalogue.stream().filter(i -> !unavailable.contains(i)).toList();
        Random random = new Random(seed);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int minute = fromMinute; minute < toMinute; minute++) {
            for (int user = 0; user < 150; user++) {
                String item = minute == 0 && user % 10 == 0 ? "new-item-" + user : clickable.get(random.nextInt(clickable.size()));
                clicks.add(Clicks.click("user-" + user, item, Clicks.T0 + minute * 60_000L + user));
            }
        }
        return clicks;
    }

    /** Sends the clicks and reads every list so far (already plus these), exactly once, read_committed. */
    private List<Recommendation> sendAndRead(JobConfig config, List<ClickEvent> clicks, int already) throws Exception {
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            for (ClickEvent click : clicks) {
                producer.send(click);
            }
            producer.flush();
        }
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic,
                        already + clicks.size(), Duration.ofSeconds(120), Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
    }

    private static String mostListed(List<Recommendation> lists) {
        return lists.stream().flatMap(l -> ids(l).stream())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static List<String> ids(Recommendation list) {
        return list.getItems().stream().map(RankedItem::getItemId).toList();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
