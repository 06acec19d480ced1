package io.nextitem.ann;

import io.nextitem.model.ModelVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One approximate-search index per TaskManager process, not one per subtask: the subtasks that
 * serve the same version share it, counted by reference; the last to let go closes it. Keyed by
 * the version folder and the sha256 of its ann/index.json, so a version folder rebuilt under the
 * same name is a new index. During a swap the old and the new version are both held (the old
 * until its last subtask has swapped), and {@link #heldBytes()} counts both.
 */
public final class SharedItemIndexes {
    private static final SharedItemIndexes PROCESS = new SharedItemIndexes(LoadedItemIndex::open);

    private final Function<ModelVersion, LoadedItemIndex> loader;
    private final Map<String, Held> held = new HashMap<>();
    /** Read by metric reporters, which must not wait for a load under the lock. */
    private final AtomicLong bytesHeld = new AtomicLong();

    SharedItemIndexes(Function<ModelVersion, LoadedItemIndex> loader) {
        this.loader = loader;
    }

    /** The indexes of this process (one per TaskManager JVM). */
    public static SharedItemIndexes process() {
        return PROCESS;
    }

    private static final class Held {
        final LoadedItemIndex index;
        int references;

        Held(LoadedItemIndex index) {
            this.index = index;
        }
    }

    /** A subtask's hold on an index; closing it lets go. */
    public final class Lease implements AutoCloseable {
        private final String key;
        private final LoadedItemIndex index;
        private boolean closed;

        private Lease(String key, LoadedItemIndex index) {
            this.key = key;
            this.index = index;
        }

        public LoadedItemIndex index() {
            return index;
        }

        @Override
        public void close() {
            synchronized (SharedItemIndexes.this) {
                if (closed) {
                    return;
                }
                closed = true;
                Held h = held.get(key);
                if (--h.references == 0) {
                    held.remove(key);
                    bytesHeld.addAndGet(-h.index.bytes());
                    h.index.close();
                }
            }
        }
    }

    /**
     * The version's index, opened and checked on first use (by whichever thread asks first: the
     * registry watcher's for a swap, never the task thread's), shared after that.
     *
     * @throws io.nextitem.model.ModelLoadException when the index is missing, corrupt or from other vectors
     */
    public synchronized Lease acquire(ModelVersion version) {
        String key = key(version);
        Held h = held.get(key);
        if (h == null) {
            // Opening under the lock: a second subtask asking for the same version waits for this
            // load instead of loading a second copy.
            h = new Held(loader.apply(version));
            held.put(key, h);
            bytesHeld.addAndGet(h.index.bytes());
            h.index.onBytesAdded(bytesHeld::addAndGet); // its exact-scan heads, made later, count too
        }
        h.references++;
        return new Lease(key, h.index);
    }

    /** Bytes of every index held now (old and new version during a swap). */
    public long heldBytes() {
        return bytesHeld.get();
    }

    /** Indexes held now. */
    public synchronized int heldCount() {
        return held.size();
    }

    static String key(ModelVersion version) {
        String indexEntry = version.manifest().retrieval() == null ? null : version.manifest().retrieval().index();
        var entry = indexEntry == null ? null : version.manifest().files().get(indexEntry);
        return version.folder().toAbsolutePath().normalize() + "@" + (entry == null ? "none" : entry.sha256());
    }
}
