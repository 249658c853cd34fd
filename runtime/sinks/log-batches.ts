/**
 * Splits log events into PutLogEvents calls that satisfy every limit of the
 * API, so no call is refused for its shape.
 */

/** Most events in one PutLogEvents call. */
export const PUT_LOG_EVENTS_MAX_EVENTS = 10_000;
/** Most bytes in one PutLogEvents call, counting {@link LOG_EVENT_OVERHEAD_BYTES} per event. */
export const PUT_LOG_EVENTS_MAX_BYTES = 1_048_576;
/** What CloudWatch Logs adds to each event's UTF-8 message size. */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
/** Largest single event message (it must fit a call on its own). */
export const MAX_LOG_EVENT_MESSAGE_BYTES = PUT_LOG_EVENTS_MAX_BYTES - LOG_EVENT_OVERHEAD_BYTES;
/** Events of one call may span at most 24 hours. */
export const MAX_BATCH_SPAN_MS = 24 * 60 * 60 * 1000;

export interface LogEventLike {
    timestamp: number;
    message: string;
}

export interface BatchPlan<T> {
    /** Each batch is chronological and within every limit. */
    batches: T[][];
    /** Events too large to send at all. */
    oversized: T[];
}

/** Size of one event as PutLogEvents counts it. */
export function eventSize(event: LogEventLike): number {
    return Buffer.byteLength(event.message, "utf8") + LOG_EVENT_OVERHEAD_BYTES;
}

/** Sorts `events` by time (stable) and cuts them into valid batches. */
export function planBatches<T extends LogEventLike>(events: readonly T[]): BatchPlan<T> {
    const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
    const batches: T[][] = [];
    const oversized: T[] = [];
    let current: T[] = [];
    let bytes = 0;
    for (const event of sorted) {
        const size = eventSize(event);
        if (size > PUT_LOG_EVENTS_MAX_BYTES) {
            oversized.push(event);
            continue;
        }
        const full =
            current.length === PUT_LOG_EVENTS_MAX_EVENTS ||
            bytes + size > PUT_LOG_EVENTS_MAX_BYTES ||
            (current.length > 0 && event.timestamp - current[0].timestamp >= MAX_BATCH_SPAN_MS);
        if (full) {
            batches.push(current);
            current = [];
            bytes = 0;
        }
        current.push(event);
        bytes += size;
    }
    if (current.length > 0) {
        batches.push(current);
    }
    return { batches, oversized };
}

/** Indexes into a sent batch that `rejectedLogEventsInfo` reports as refused. */
export function rejectedIndexes(
    count: number,
    info: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number } | undefined,
): Set<number> {
    const rejected = new Set<number>();
    if (!info) {
        return rejected;
    }
    // The end indexes are inclusive: "the last event that is too old / expired".
    const oldEnd = Math.max(info.tooOldLogEventEndIndex ?? -1, info.expiredLogEventEndIndex ?? -1);
    for (let i = 0; i <= Math.min(oldEnd, count - 1); i++) {
        rejected.add(i);
    }
    if (info.tooNewLogEventStartIndex !== undefined) {
        for (let i = Math.max(0, info.tooNewLogEventStartIndex); i < count; i++) {
            rejected.add(i);
        }
    }
    return rejected;
}
