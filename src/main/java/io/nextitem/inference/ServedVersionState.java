package io.nextitem.inference;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/** The checkpointed folder name of the version a recommend subtask serves. */
final class ServedVersionState {
    private ServedVersionState() {}

    /** Union state: after rescaling every subtask sees every entry and takes the same version. */
    static ListState<String> of(FunctionInitializationContext context) throws Exception {
        return context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("served-model-version", Types.STRING));
    }

    static List<String> restored(FunctionInitializationContext context, ListState<String> state) throws Exception {
        List<String> restored = new ArrayList<>();
        if (context.isRestored()) {
            state.get().forEach(restored::add);
        }
        return restored;
    }
}
