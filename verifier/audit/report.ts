/** The audit check's report: a line per writer and per break, and the same as JSON. */
import type { AuditCheck, ChainBreak, WriterReport } from "./check";

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** Every break of the check, writer breaks first. */
export function allBreaks(check: AuditCheck): ChainBreak[] {
    return [...check.writers.flatMap((w) => w.breaks), ...check.other];
}

export function breakLine(b: ChainBreak): string {
    return `${b.kind}: ${b.writer ? `writer ${b.writer} ` : ""}${b.message}`;
}

function writerLine(w: WriterReport): string {
    const who = w.identity ? ` (${[w.identity.function ?? w.identity.task, w.identity.instance].filter(Boolean).join(" ")})` : "";
    const state = w.breaks.length === 0 ? "intact" : count(w.breaks.length, "break");
    return `writer ${w.writer}${who}: ${count(w.records, "record")}, seq ${w.firstSeq}–${w.lastSeq}, ${w.closed ? "closed" : "open"}, ${count(w.checkpoints, "checkpoint")}: ${state}`;
}

/** The first sequences of a list, enough to find them without printing thousands. */
function someSeqs(seqs: readonly number[]): string {
    const shown = seqs.slice(0, 5).join(", ");
    return seqs.length > 5 ? `${shown}, … ${seqs[seqs.length - 1]}` : shown;
}

/**
 * Redelivered records are a fact about delivery, not a break: a line of their
 * own, which starts neither with `writer` nor with `-`, so a reader of the
 * older report that counts break lines counts the same.
 */
function redeliveryText(records: number, copies: number): string {
    return `${count(records, "record")} stored more than once, identical (${copies} extra ${copies === 1 ? "copy" : "copies"}): a retried delivery; each counted once`;
}

/** The human-readable report. */
export function textReport(check: AuditCheck): string {
    const breaks = allBreaks(check);
    const lines = [
        `Audit trail: ${count(check.writers.length, "writer")}, ${count(check.records, "record")}, ${count(check.checkpoints, "checkpoint")}, ${count(check.skipped, "other line")} skipped: ${breaks.length === 0 ? "intact" : count(breaks.length, "break")}.`,
    ];
    if (check.redelivered > 0) lines.push(`${redeliveryText(check.redelivered, check.redeliveredCopies)}.`);
    if (check.newerThanArchive > 0) {
        lines.push(`${count(check.newerThanArchive, "record")} newer than the archive copy (written after its newest): their archive objects, missing from the copy, are not checked; copy the archive again to check them.`);
    }
    if (check.archiveFailed > 0) {
        lines.push(
            `${count(check.archiveFailed, "record")} whose log copy says the archive write failed (errorCode): the archive witnesses nothing of them, so they are checked against the log alone (a forged record can say so too; the logger warned of each real failure).`,
        );
    }
    for (const w of check.writers) {
        lines.push(writerLine(w));
        if (w.redelivered > 0) lines.push(`  redelivered: ${redeliveryText(w.redelivered, w.redeliveredCopies)} (seq ${someSeqs(w.redeliveredSeqs)}).`);
        lines.push(...w.breaks.map((b) => `  - ${b.kind}: ${b.message}`));
    }
    lines.push(...check.other.map((b) => `- ${breakLine(b)}`));
    return `${lines.join("\n")}\n`;
}

/** The machine-readable report (`--json`). */
export function jsonAuditReport(check: AuditCheck): unknown {
    return {
        result: allBreaks(check).length === 0 ? "intact" : "broken",
        records: check.records,
        checkpoints: check.checkpoints,
        skipped: check.skipped,
        // Added fields only: readers of the older report find every field they knew, with its meaning.
        redelivered: check.redelivered,
        redeliveredCopies: check.redeliveredCopies,
        newerThanArchive: check.newerThanArchive,
        archiveFailed: check.archiveFailed,
        writers: check.writers,
        other: check.other,
    };
}
