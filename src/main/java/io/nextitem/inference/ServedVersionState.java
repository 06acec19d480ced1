package io.nextitem.inference;

import io.nextitem.config.ModelSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The checkpointed folder name of the version a recommend subtask serves, and the
 * {@link ServedModel} it starts: what the per-event and the batching operators do alike in
 * initializeState, open and snapshotState.
 */
final class ServedVersionState {
    private final ListState<String> state;
    private final List<String> restored = new ArrayList<>();

    /** Union state: after rescaling every subtask sees every entry and takes the same version. */
    ServedVersionState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("served-model-version", Types.STRING));
        if (context.isRestored()) {
            state.get().forEach(restored::add);
        }
    }

    ServedModel open(ModelSettings settings, RuntimeContext runtime) {
        return new ServedModel(settings, restored, runtime.getMetricGroup(), runtime.getTaskInfo().getIndexOfThisSubtask());
    }

    void snapshot(ServedModel served) throws Exception {
        state.update(List.of(served.servingFolder()));
    }
}
