package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/**
 * RocksDB tuning for the keyed state (one Avro value per user). Applied through Flink's RocksDB
 * options, which set the RocksDB Java API's DBOptions/ColumnFamilyOptions for every column family
 * while Flink keeps managing the memory (block cache and write buffers come out of the task
 * manager's managed memory, so a job cannot outgrow its container).
 */
public class StateSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<StateSettings> SECTION = Setting.Section.of("state", config -> config.state);
    static final Setting<StateSettings, String> ROCKSDB_PROFILE = SECTION.key("rocksdb-profile").stringType()
            .defaultValue("FLASH_SSD_OPTIMIZED")
            .withDescription("RocksDB's predefined profile: FLASH_SSD_OPTIMIZED (local SSDs, as on the task managers "
                    + "we deploy), SPINNING_DISK_OPTIMIZED, SPINNING_DISK_OPTIMIZED_HIGH_MEM or DEFAULT.")
            .checkedBy(ConfigChecks.oneOf(List.of("FLASH_SSD_OPTIMIZED", "SPINNING_DISK_OPTIMIZED",
                    "SPINNING_DISK_OPTIMIZED_HIGH_MEM", "DEFAULT")))
            .field(s -> s.rocksdbProfile, (s, v) -> s.rocksdbProfile = v);
    static final Setting<StateSettings, Boolean> ROCKSDB_BLOOM_FILTER = SECTION.key("rocksdb-bloom-filter").booleanType()
            .defaultValue(true)
            .withDescription("A bloom filter per SST file (10 bits per key): every click reads its user's value, and "
                    + "for a user not in a file the filter answers without reading a block; new users are common.")
            .field(s -> s.rocksdbBloomFilter, (s, v) -> s.rocksdbBloomFilter = v);
    static final List<Setting<StateSettings, ?>> SETTINGS = List.of(ROCKSDB_PROFILE, ROCKSDB_BLOOM_FILTER);

    public String rocksdbProfile = ROCKSDB_PROFILE.defaultValue();
    public boolean rocksdbBloomFilter = ROCKSDB_BLOOM_FILTER.defaultValue();

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
