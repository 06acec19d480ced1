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

    /**
     * RocksDB's predefined profile: FLASH_SSD_OPTIMIZED (default: local SSDs, as on the task
     * managers we deploy), SPINNING_DISK_OPTIMIZED, SPINNING_DISK_OPTIMIZED_HIGH_MEM or DEFAULT.
     */
    public String rocksdbProfile = "FLASH_SSD_OPTIMIZED";
    /**
     * A bloom filter per SST file (10 bits per key): every click reads its user's value, and for a
     * user not in a file the filter answers without reading a block; new users are common.
     */
    public boolean rocksdbBloomFilter = true;

    void validate(List<String> errors) {
        if (!List.of("DEFAULT", "SPINNING_DISK_OPTIMIZED", "SPINNING_DISK_OPTIMIZED_HIGH_MEM", "FLASH_SSD_OPTIMIZED")
                .contains(rocksdbProfile)) {
            errors.add("state.rocksdb-profile is '" + rocksdbProfile + "': use FLASH_SSD_OPTIMIZED, SPINNING_DISK_OPTIMIZED, "
                    + "SPINNING_DISK_OPTIMIZED_HIGH_MEM or DEFAULT");
        }
    }
}
