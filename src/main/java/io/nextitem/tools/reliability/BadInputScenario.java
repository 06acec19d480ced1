package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.JobID;

/**
 * Bad input mixed into valid traffic: the malformed corpus ({@link MalformedCorpus}: truncation,
 * framing bit flips, foreign formats, unknown schemas, out-of-range Avro, lengths and counts the
 * record cannot hold, blank, over-long and invalid-text ids, impossible times) at random places
 * among valid clicks with clean Unicode ids and producer retries. Every broken record must reach
 * the dead-letter topic once with its reason and bytes, the valid traffic must be answered as if
 * alone, and the job must never restart: nothing else is injected, so any restart is bad input's.
 */
final class BadInputScenario implements ReliabilityScenario {
    @Override
    public String name() {
        return "bad-input";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "malformed-input";
    }

    @Override
    public String description() {
        return "generated malformed records (" + MalformedCorpus.KINDS + " kinds) mixed into valid traffic";
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        long started = System.nanoTime();
        JobConfig config = context.jobConfig(name(), 2);
        // The wrong-schema producers' schemas are known to the decoder, as a registered but incompatible schema would be.
        config.decoder.schemaDir = MalformedCorpus.writeWriterSchemas(context.work.resolve("bad-input-writer-schemas")).toString();
        ReplayPlan plan = context.plan(name());
        List<MalformedCorpus.Case> corpus = MalformedCorpus.generate(context.scale.malformed(), config.decoder,
                context.seed);
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        Random random = new Random(context.seed);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            int nextBad = 0;
            int records = plan.sent().size();
            for (int i = 0; i < records; i++) {
                ClickEvent click = plan.sent().get(i);
                producer.send(click);
                // Spread the corpus evenly at random: on average corpus/records broken records after each click.
                while (nextBad < corpus.size() && random.nextInt(records) < corpus.size()) {
                    MalformedCorpus.Case bad = corpus.get(nextBad++);
                    producer.sendRaw(bad.key(), bad.value(), click.getEventTimeMillis());
                }
            }
            while (nextBad < corpus.size()) {
                MalformedCorpus.Case bad = corpus.get(nextBad++);
                producer.sendRaw(bad.key(), bad.value(), System.currentTimeMillis());
            }
            producer.flush();
        }
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        DeadLetterCheck deadLetters = context.deadLetters(config, corpus);
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), 0, recoveries,
                DeliveryCheck.of(plan.valid(), received), SequenceStateCheck.of(savepoint, config.sequence, plan.valid()),
                deadLetters, recoveries, (System.nanoTime() - started) / 1e9);
    }
}
