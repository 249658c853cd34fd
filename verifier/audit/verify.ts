/** `verifyAuditTrail`: reads an auditor's exports and checks every writer's chain. */
import * as os from "os";
import { checkAuditInput, type AuditCheck, type CheckOptions } from "./check";
import { emptyInput, inputBytes, inputSegments, overlappingInputs, readAuditInput, SEGMENT_SIZES, UnreadableAuditInputError, type AuditInput, type Segment, type SegmentSizes } from "./inputs";
import { BATCH_CHARS, readOnThreads, threadedReadingAvailable } from "./parallel";
import { counted } from "../report";

export interface VerifyOptions extends CheckOptions {
    /**
     * Threads that parse and hash records: the calling thread and
     * `threads - 1` worker threads; 1 reads on the calling thread alone.
     * Where no worker thread can start (running from TypeScript sources,
     * or bundled without `read-worker.js` beside the bundle), the calling
     * thread reads alone.
     * @default - one per core (at most 4) for inputs of 16 MiB or more, else 1
     */
    threads?: number;
}

/** Below this, starting threads costs more than it saves. */
const THREADED_MIN_BYTES = 16 * 1024 * 1024;
const MAX_DEFAULT_THREADS = 4;

/**
 * Checks the audit trail in `inputs`: files of JSON lines, `aws logs
 * filter-log-events` output, or folders of archive objects. Give the log
 * export and the archive of the same period together: copies of one record
 * are compared, and the archive's checkpoints show a cut tail or a deleted
 * stream. Throws {@link UnreadableAuditInputError} for input it cannot read
 * or that holds no audit record.
 */
export function verifyAuditTrail(inputs: readonly string[], options: VerifyOptions = {}): AuditCheck {
    if (inputs.length === 0) throw new UnreadableAuditInputError("no input given: name files of JSON lines, aws logs output or archive folders");
    if (options.threads !== undefined && !(Number.isSafeInteger(options.threads) && options.threads >= 1)) {
        throw new RangeError(`threads must be a whole number of at least 1, not ${options.threads}`);
    }
    const overlap = overlappingInputs(inputs);
    if (overlap !== undefined) throw new UnreadableAuditInputError(overlap);
    const { input, threads } = readAuditInputs(inputs, readerThreads(inputs, options.threads));
    if (input.entries.length === 0 && input.checkpoints.length === 0 && input.damaged.length === 0) {
        throw new UnreadableAuditInputError(`no audit record found in ${inputs.join(", ")} (${counted(input.skipped, "other line")})`);
    }
    return { ...checkAuditInput(input, options), readerThreads: threads };
}

/** How `verifyAuditTrail` reads: exported for tests, which cut inputs into many small segments. */
export function readAuditInputs(
    inputs: readonly string[],
    threads: number,
    sizes: SegmentSizes & { batchChars: number } = { ...SEGMENT_SIZES, batchChars: BATCH_CHARS },
): { input: AuditInput; threads: number } {
    const input = emptyInput();
    if (threads > 1 && threadedReadingAvailable()) {
        readOnThreads(allSegments(inputs, sizes), threads, input, sizes.batchChars);
        return { input, threads };
    }
    inputs.forEach((file, i) => readAuditInput(file, i, input, sizes));
    return { input, threads: 1 };
}

function readerThreads(inputs: readonly string[], asked: number | undefined): number {
    if (asked === 1 || !threadedReadingAvailable()) return 1;
    if (asked !== undefined) return asked;
    const cores = os.availableParallelism();
    if (cores < 2) return 1;
    const bytes = inputs.reduce((n, file) => n + inputBytes(file), 0);
    return bytes >= THREADED_MIN_BYTES ? Math.min(cores, MAX_DEFAULT_THREADS) : 1;
}

function* allSegments(inputs: readonly string[], sizes: SegmentSizes): Generator<Segment> {
    for (let i = 0; i < inputs.length; i++) yield* inputSegments(inputs[i], i, sizes);
}
