package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;

/** What decoding one record gave: a valid click, or a reason to dead-letter it. */
public sealed interface DecodeOutcome {

    record Accepted(ClickEvent event) implements DecodeOutcome {}

    record Rejected(DeadLetterReason reason, String message) implements DecodeOutcome {}

    static DecodeOutcome reject(DeadLetterReason reason, String message) {
        return new Rejected(reason, message);
    }
}
