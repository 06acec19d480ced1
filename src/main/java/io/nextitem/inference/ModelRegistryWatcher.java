package io.nextitem.inference;

import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a model registry for the version that should serve (the newest, or the pinned one),
 * and for a canary's candidate (model.updates-topic, {@link Rollout}), and
 * prepares it off the hot path: loading, sha256, graph signature and golden parity all run on
 * the watcher's own thread. A version that passes is handed over through {@link #takeReady()},
 * which the operator calls on its task thread, so the swap never races an inference call and
 * the old session is closed only once nothing uses it. A version that fails any check is
 * refused with the reason, logged and counted, and the serving version stays; it is not tried
 * again unless its folder changes.
 */
public final class ModelRegistryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistryWatcher.class);

    /** What the operator counts. Called on the watcher thread. */
    public interface Listener {
        void refused(String versionFolder, String reason);
    }

    private final ModelRegistry registry;
    private final ModelSettings settings;
    private final Listener listener;
    private final AtomicReference<SequenceRecommender> ready = new AtomicReference<>();
    private final AtomicReference<CandidateChange> readyCandidate = new AtomicReference<>();
    /** The canary prepared last (null: none): a new one is prepared when the decision changes it. */
    private volatile Rollout.Canary currentCanary;
    /** Refused folders and their newest file time when refused: a changed folder is tried again. */
    private final Map<String, FileTime> refused = new ConcurrentHashMap<>();
    private final Set<String> announcedMissing = ConcurrentHashMap.newKeySet();
    private volatile String current;
    /** Opened on the watcher thread at its first look (the topic may not exist when the job starts). */
    private ModelUpdatesReader updates;
    private ScheduledExecutorService poller;

    /**
     * Whether this watcher speaks for the job (one recommend subtask's does): it writes the
     * serving record ({@link ServingRecord}) and, with canary.auto, starts canaries of new versions.
     */
    private final boolean speaksForTheJob;
    /** The version this watcher last proposed as a canary, until the topic shows it (no second proposal). */
    private String proposed;
    private ServingRecord written;

    /** @param servingFolder the folder name of the version serving now */
    public ModelRegistryWatcher(ModelSettings settings, String servingFolder, Listener listener) {
        this(settings, servingFolder, listener, false);
    }

    /** @param speaksForTheJob true in exactly one subtask (the first): see {@link #speaksForTheJob} */
    public ModelRegistryWatcher(ModelSettings settings, String servingFolder, Listener listener, boolean speaksForTheJob) {
        this.registry = new ModelRegistry(Path.of(settings.registry));
        this.settings = settings;
        this.current = servingFolder;
        this.listener = listener;
        this.speaksForTheJob = speaksForTheJob;
    }

    /**
     * A canary's start, change or end, for the operator to take between two batches.
     *
     * @param candidate the candidate's version, checked and opened; null when the canary ends
     * @param canary    its arms; null when the canary ends
     */
    public record CandidateChange(SequenceRecommender candidate, Rollout.Canary canary) {}

    /** The decision on model.updates-topic (pin, canary), or none when no topic is set. */
    private Rollout rollout() {
        if (!settings.readsUpdates()) {
            return Rollout.NONE;
        }
        if (updates == null) {
            updates = new ModelUpdatesReader(settings.updatesBootstrapServers, settings.updatesTopic,
                    settings.updatesClientProperties);
        }
        return updates.rollout();
    }

    /** Polls every model.watch-interval-ms on a daemon thread until {@link #close()}. */
    public ModelRegistryWatcher start(String threadName) {
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollOnce, settings.watchIntervalMs, settings.watchIntervalMs, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at the decision and the registry; prepares what changed (serving version, canary). */
    void pollOnce() {
        Rollout rollout;
        try {
            rollout = rollout();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt(); // closing: the poller is being shut down
            return;
        } catch (RuntimeException e) {
            // The topic unreadable (broker down, topic missing): an operator may have decided what
            // the watcher cannot see, so nothing changes; it looks again next time.
            if (announcedMissing.add("updates " + e.getMessage())) {
                LOG.warn("model.updates-topic cannot be read ({}); the serving version {} stays", e.getMessage(), current);
            }
            return;
        }
        // With canary.auto a new version does not replace the serving one: it goes on trial first,
        // so an unpinned job keeps what serves until a PROMOTE pins the candidate.
        pollServing(rollout.pinned() != null ? rollout.pinned() : settings.canaryAuto ? current : settings.version);
        pollCanary(rollout.canary());
        if (speaksForTheJob) {
            if (settings.canaryAuto && rollout.canary() == null) {
                proposeCanary();
            }
            // Only where serving can differ from the newest version (finetune's rule without a record).
            if (settings.readsUpdates() || !"latest".equals(settings.version)) {
                record(new ServingRecord(current, rollout.canary()));
            }
        }
    }

    /**
     * canary.auto: the newest version, if it is not the serving one and never was on trial, is
     * proposed as a canary on model.updates-topic, where every subtask (this one too) reads it.
     * Versions that arrived during a canary waited; the newest of them goes now.
     */
    private void proposeCanary() {
        String newest;
        try {
            newest = registry.resolve("latest").getFileName().toString();
        } catch (RuntimeException e) {
            return; // an empty or unreadable registry: nothing to try
        }
        if (updates == null || newest.equals(current) || newest.equals(proposed) || updates.decided(newest)) {
            return;
        }
        try {
            io.nextitem.model.ModelUpdatePublisher.publish(settings.updatesBootstrapServers, settings.updatesClientProperties,
                    settings.updatesTopic, io.nextitem.avro.ModelUpdate.newBuilder()
                            .setAction(io.nextitem.avro.ModelUpdateAction.CANARY).setVersion(newest)
                            .setShare(settings.canaryShare).setIssuedBy("canary.auto")
                            .setReason("a new version in the registry (serving " + current + ")")
                            .setIssuedAtMillis(System.currentTimeMillis()).build());
            proposed = newest;
            LOG.info("canary.auto: {} proposed as a canary of {} against {}", newest, settings.canaryShare, current);
        } catch (java.io.IOException e) {
            LOG.warn("canary.auto: could not propose {} as a canary ({}); trying again at the next look", newest, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(ServingRecord now) {
        if (now.equals(written)) {
            return;
        }
        try {
            now.writeTo(Path.of(settings.registry));
            written = now;
        } catch (java.io.IOException e) {
            LOG.warn("could not write the serving record to {}: {}", settings.registry, e.getMessage());
        }
    }

    /** Prepares the version that serves everyone when it is new and passes every check. */
    private void pollServing(String wanted) {
        Path target;
        try {
            target = registry.resolve(wanted);
        } catch (RuntimeException e) {
            // A pinned version deleted, the registry unmounted: keep serving, say so once.
            if (announcedMissing.add(String.valueOf(e.getMessage()))) {
                LOG.warn("Model registry: {}; the serving version {} stays", e.getMessage(), current);
            }
            return;
        }
        String name = target.getFileName().toString();
        if (name.equals(current)) {
            return;
        }
        FileTime changed = newestFileTime(target);
        if (changed.equals(refused.get(name))) {
            return;
        }
        try {
            SequenceRecommender next = SequenceRecommender.open(target, settings);
            SequenceRecommender stale = ready.getAndSet(next);
            if (stale != null) {
                stale.close(); // prepared but never taken: a newer one replaced it first
            }
            LOG.info("Model version {} passed its checks; it serves from the next request (was {})", name, current);
            current = name;
            refused.remove(name);
        } catch (RuntimeException e) {
            refused.put(name, changed);
            LOG.warn("Model version {} refused, {} keeps serving: {}", name, current, e.getMessage());
            listener.refused(name, e.getMessage());
        }
    }

    /**
     * Prepares the canary's candidate when the decision starts or changes one, or hands over its
     * end. A candidate that fails a check is refused as any version is, and no canary runs.
     */
    void pollCanary(Rollout.Canary wanted) {
        if (java.util.Objects.equals(wanted, currentCanary)) {
            return;
        }
        if (wanted == null || wanted.candidate().equals(current)) {
            if (wanted != null) {
                LOG.warn("Canary of {} ignored: it is the serving version", wanted.candidate());
            }
            handOver(new CandidateChange(null, null));
            currentCanary = wanted;
            return;
        }
        Path target;
        try {
            target = registry.resolve(wanted.candidate());
        } catch (RuntimeException e) {
            if (announcedMissing.add("canary " + e.getMessage())) {
                LOG.warn("Canary of {}: {}; no canary runs", wanted.candidate(), e.getMessage());
            }
            return;
        }
        String name = target.getFileName().toString();
        FileTime changed = newestFileTime(target);
        if (changed.equals(refused.get(name))) {
            return;
        }
        try {
            SequenceRecommender candidate = SequenceRecommender.open(target, settings);
            handOver(new CandidateChange(candidate, wanted));
            LOG.info("Canary candidate {} passed its checks; {} of users {} from the next request (serving {})", name,
                    wanted.share(), wanted.shadow() ? "are scored by it in shadow" : "get its lists", current);
            currentCanary = wanted;
            refused.remove(name);
        } catch (RuntimeException e) {
            refused.put(name, changed);
            LOG.warn("Canary candidate {} refused, no canary runs: {}", name, e.getMessage());
            listener.refused(name, e.getMessage());
        }
    }

    private void handOver(CandidateChange change) {
        CandidateChange stale = readyCandidate.getAndSet(change);
        if (stale != null && stale.candidate() != null) {
            stale.candidate().close(); // prepared but never taken
        }
    }

    /** The canary change prepared since the last call, or null when there is none. */
    public CandidateChange takeCandidateChange() {
        return readyCandidate.getAndSet(null);
    }

    /** The version to serve from now on, if one was prepared since the last call; else null. */
    public SequenceRecommender takeReady() {
        return ready.getAndSet(null);
    }

    private static FileTime newestFileTime(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            FileTime newest = Files.getLastModifiedTime(folder);
            for (Path file : files.toList()) {
                FileTime time = Files.getLastModifiedTime(file);
                newest = time.compareTo(newest) > 0 ? time : newest;
            }
            return newest;
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(30, TimeUnit.SECONDS); // a load in progress finishes before we close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (updates != null) {
            updates.close(); // the watcher thread has stopped: nothing else touches the consumer
        }
        SequenceRecommender untaken = ready.getAndSet(null);
        if (untaken != null) {
            untaken.close();
        }
        CandidateChange untakenCandidate = readyCandidate.getAndSet(null);
        if (untakenCandidate != null && untakenCandidate.candidate() != null) {
            untakenCandidate.candidate().close();
        }
    }
}
