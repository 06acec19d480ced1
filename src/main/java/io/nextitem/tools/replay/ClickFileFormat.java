package io.nextitem.tools.replay;

/** Click log formats that replay and the demo read. */
public enum ClickFileFormat {
    /** MovieLens ratings: {@code user::item::rating::timestamp_seconds}, no header. */
    MOVIELENS,
    /** Comma-separated with a header naming user_id, item_id, timestamp_ms and optionally category, session_id. */
    CSV
}
