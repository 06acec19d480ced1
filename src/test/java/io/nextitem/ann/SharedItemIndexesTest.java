package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.model.ModelVersion;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.RetrievalFormFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One index per process: subtasks of a version share it, and it goes when the last lets go after a swap. */
class SharedItemIndexesTest {
    @TempDir
    Path tmp;

    @Test
    void twoSubtasksShareOneIndexAndTheSwapReleasesIt() throws Exception {
        ModelVersion v1 = indexed("v1", 1);
        ModelVersion v2 = indexed("v2", 2);
        AtomicInteger loads = new AtomicInteger();
        SharedItemIndexes indexes = new SharedItemIndexes(version -> {
            loads.incrementAndGet();
            return LoadedItemIndex.open(version);
        });

        SharedItemIndexes.Lease subtask0 = indexes.acquire(v1);
        SharedItemIndexes.Lease subtask1 = indexes.acquire(v1);
        assertThat(loads).hasValue(1);
        assertThat(subtask1.index()).isSameAs(subtask0.index());
        long v1Bytes = subtask0.index().bytes();
        assertThat(indexes.heldBytes()).isEqualTo(v1Bytes);

        // a swap: each subtask takes v2, then lets go of v1; both are held in between
        SharedItemIndexes.Lease next0 = indexes.acquire(v2);
        assertThat(indexes.heldCount()).isEqualTo(2);
        assertThat(indexes.heldBytes()).isEqualTo(v1Bytes + next0.index().bytes());
        subtask0.close();
        subtask0.close(); // closing twice lets go once
        assertThat(indexes.heldCount()).isEqualTo(2);
        SharedItemIndexes.Lease next1 = indexes.acquire(v2);
        subtask1.close();
        assertThat(indexes.heldCount()).isEqualTo(1);
        assertThat(indexes.heldBytes()).isEqualTo(next0.index().bytes());
        assertThat(loads).hasValue(2);

        next0.close();
        next1.close();
        assertThat(indexes.heldCount()).isZero();
        assertThat(indexes.heldBytes()).isZero();
        // taken again after the last let go: loaded afresh
        indexes.acquire(v1).close();
        assertThat(loads).hasValue(3);
    }

    private ModelVersion indexed(String name, long seed) throws Exception {
        Path version = DemoModel.copyTo(tmp.resolve(name));
        RetrievalFormFixture.addTo(version, 8, seed);
        VersionIndexer.index(version, new HnswParameters(8, 40, false), line -> { });
        return ModelVersion.load(version);
    }
}
