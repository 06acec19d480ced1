package io.nextitem.tools.replay;

/** Click log formats that replay and the demo read. */
public enum ClickFileFormat {
    /** MovieLens ratings: {@code user::item::rating::timestamp_seconds}, no header. */
    MOVIELENS,
    /** Comma-separated with a header naming user_id, item_id, timestamp_ms and optionally category, session_id. */
    CSV,
    /**
     * The SASRec release's text: {@code user item} per line, each user's lines in time order, no
     * times (as the Amazon and MovieLens files the papers train on). Line n is taken at n seconds
     * after 2000-01-01 UTC, so every user's clicks keep their order.
     */
    SASREC;

    /** By the file's name, a {@code .gz} suffix aside: {@code .dat} MovieLens, {@code .txt} SASRec, anything else CSV. */
    public static ClickFileFormat ofFileName(String name) {
        String bare = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return bare.endsWith(".dat") ? MOVIELENS : bare.endsWith(".txt") ? SASREC : CSV;
    }
}
