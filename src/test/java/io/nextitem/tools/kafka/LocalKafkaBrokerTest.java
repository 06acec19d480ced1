package io.nextitem.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class LocalKafkaBrokerTest {
    @Test
    void clusterIdsNeverStartWithADashTheStorageToolWouldReadAsAnOption() {
        // 1 in 64 raw draws starts with '-': 20,000 draws hit that ~300 times if nothing redraws.
        for (int i = 0; i < 20_000; i++) {
            String id = LocalKafkaBroker.randomClusterId();
            assertThat(id).doesNotStartWith("-").hasSize(22);
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }
}
