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
    static final Setting<StateSettings, Double> ROCKSDB_BLOOM_BITS_PER_KEY = SECTION.key("rocksdb-bloom-bits-per-key")
            .doubleType().defaultValue(10.0)
            .withDescription("Bits per key of the bloom filters: 10 answers about 99% of reads for absent keys without "
                    + "a block read; more bits cost filter memory, which competes with data blocks for the cache.")
            .checkedBy(ratioAbove(0.0, 64.0))
            .field(s -> s.rocksdbBloomBitsPerKey, (s, v) -> s.rocksdbBloomBitsPerKey = v);
    static final Setting<StateSettings, Boolean> ROCKSDB_PARTITIONED_INDEX_FILTERS = SECTION
            .key("rocksdb-partitioned-index-filters").booleanType().defaultValue(false)
            .withDescription("Partitioned index and filter blocks: only a small top-level index stays pinned in the "
                    + "cache and the partitions a read needs are cached like data. With many users the full index "
                    + "and filters of every file outgrow the managed memory and crowd out the data blocks.")
            .field(s -> s.rocksdbPartitionedIndexFilters, (s, v) -> s.rocksdbPartitionedIndexFilters = v);
    static final Setting<StateSettings, Integer> ROCKSDB_BLOCK_SIZE_KB = SECTION.key("rocksdb-block-size-kb").intType()
            .defaultValue(4)
            .withDescription("Data block size in KiB. A click reads one user's value (about 1 KiB at a full "
                    + "sequence of 50), so small blocks read and decompress less per lookup; larger blocks mean a "
                    + "smaller index.")
            .checkedBy(ConfigChecks.between(1, 1024))
            .field(s -> s.rocksdbBlockSizeKb, (s, v) -> s.rocksdbBlockSizeKb = v);
    static final Setting<StateSettings, Double> ROCKSDB_WRITE_BUFFER_RATIO = SECTION.key("rocksdb-write-buffer-ratio")
            .doubleType().defaultValue(0.5)
            .withDescription("Share of the managed memory for memtables (the rest is the block cache). Every click "
                    + "rewrites its user's value, so memtables absorb writes; reads of users not clicked recently "
                    + "come from the cache.")
            .checkedBy(ratioAbove(0.0, 1.0))
            .field(s -> s.rocksdbWriteBufferRatio, (s, v) -> s.rocksdbWriteBufferRatio = v);
    static final Setting<StateSettings, Double> ROCKSDB_HIGH_PRIORITY_POOL_RATIO = SECTION
            .key("rocksdb-high-priority-pool-ratio").doubleType().defaultValue(0.1)
            .withDescription("Share of the block cache kept for index and filter blocks, which every read touches.")
            .checkedBy(ratioAbove(0.0, 1.0))
            .field(s -> s.rocksdbHighPriorityPoolRatio, (s, v) -> s.rocksdbHighPriorityPoolRatio = v);
    static final List<Setting<StateSettings, ?>> SETTINGS = List.of(ROCKSDB_PROFILE, ROCKSDB_BLOOM_FILTER,
            ROCKSDB_BLOOM_BITS_PER_KEY, ROCKSDB_PARTITIONED_INDEX_FILTERS, ROCKSDB_BLOCK_SIZE_KB,
            ROCKSDB_WRITE_BUFFER_RATIO, ROCKSDB_HIGH_PRIORITY_POOL_RATIO);

    public String rocksdbProfile = ROCKSDB_PROFILE.defaultValue();
    public boolean rocksdbBloomFilter = ROCKSDB_BLOOM_FILTER.defaultValue();
    public double rocksdbBloomBitsPerKey = ROCKSDB_BLOOM_BITS_PER_KEY.defaultValue();
    public boolean rocksdbPartitionedIndexFilters = ROCKSDB_PARTITIONED_INDEX_FILTERS.defaultValue();
    public int rocksdbBlockSizeKb = ROCKSDB_BLOCK_SIZE_KB.defaultValue();
    public double rocksdbWriteBufferRatio = ROCKSDB_WRITE_BUFFER_RATIO.defaultValue();
    public double rocksdbHighPriorityPoolRatio = ROCKSDB_HIGH_PRIORITY_POOL_RATIO.defaultValue();

    /** A number in (low, high): Flink's RocksDB options refuse the bounds themselves. */
    private static Setting.Check<Double> ratioAbove(double low, double high) {
        return Setting.Check.of("above " + low + " and below " + high, (key, value) ->
                value > low && value < high ? null : key + " is " + value + ": it must be above " + low + " and below " + high);
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
