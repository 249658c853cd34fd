/**
 * What a reader thread sends back, packed: copying a few hundred thousand
 * small objects between threads costs the receiving thread more than the
 * sending one saved. Numbers travel in one Float64Array, the two SHA-256s of
 * each entry as bytes, repeated strings (writers, groups, tenants) once; only
 * the rare parts (a genesis, texts, checkpoints, damage) as they are.
 * `unpackInput(packInput(x))` is `x`.
 */
import type { ArchiveObject, ArchivePointer, AuditInput, ChainEntry, CheckpointEntry, Damage, EntryLink, RecordContent } from "./segment";

/** Numbers per entry. */
const STRIDE = 17;
const [WRITER, SEQ, KIND, SOURCE, GROUP, STORED_AT, POSITION, TENANT, PREV_NULL, WHERE_IS_LINE, CONTENT, METADATA, METADATA_CUT, ARCHIVED, AT, POINTER_KEY, POINTER_STATE] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
/** {@link POINTER_STATE}: no pointer, one with a digest, one whose write failed, one that names no digest. */
const [NO_POINTER, POINTER_SHA, POINTER_FAILED, POINTER_BARE] = [0, 1, 2, 3];
/** {@link METADATA_CUT}: metadata not marked cut, marked cut (a depth cut), marked cut with the whole's digest (the log's size cut). */
const [NOT_CUT, CUT_MARKED, CUT_FOR_SIZE] = [0, 1, 2];
/** Bytes per entry: its hash, its link's prev, its archive pointer's digest. */
const DIGESTS = 96;

interface Rare {
    genesis?: EntryLink["genesis"];
    /** A record's texts and the fields its hash leaves out (its metadata travels as a string: records often repeat it). */
    content?: Pick<RecordContent, "inputText" | "outputText" | "unhashedJson" | "lineBytes">;
    /** The entry's `where`, when it is not `<group>:<position>` (a line of a file). */
    where?: string;
    flaw?: string;
}

export interface PackedInput {
    count: number;
    numbers: Float64Array<ArrayBuffer>;
    digests: Uint8Array<ArrayBuffer>;
    strings: string[];
    rare: [number, Rare][];
    checkpoints: CheckpointEntry[];
    damaged: Damage[];
    archiveObjects: ArchiveObject[];
    skipped: number;
    logRead?: boolean;
}

export function packInput(input: AuditInput): PackedInput {
    const count = input.entries.length;
    const numbers = new Float64Array(count * STRIDE);
    const bytes = new Uint8Array(count * DIGESTS);
    const digests = Buffer.from(bytes.buffer, 0, bytes.byteLength);
    const strings: string[] = [];
    const indexes = new Map<string, number>();
    const intern = (s: string) => {
        let i = indexes.get(s);
        if (i === undefined) indexes.set(s, (i = strings.push(s) - 1));
        return i;
    };
    const rare: [number, Rare][] = [];
    input.entries.forEach((e, i) => {
        const n = i * STRIDE;
        numbers[n + WRITER] = intern(e.link.writer);
        numbers[n + SEQ] = e.link.seq;
        numbers[n + KIND] = e.kind === "close" ? 1 : 0;
        numbers[n + SOURCE] = e.source;
        numbers[n + GROUP] = intern(e.group);
        numbers[n + STORED_AT] = e.storedAt ?? NaN;
        numbers[n + POSITION] = e.position;
        numbers[n + TENANT] = e.tenantId === undefined ? -1 : intern(e.tenantId);
        numbers[n + PREV_NULL] = e.link.prev === null ? 1 : 0;
        const whereIsLine = e.where === `${e.group}:${e.position}`;
        numbers[n + WHERE_IS_LINE] = whereIsLine ? 1 : 0;
        const { metadataJson, metadataTruncated, metadataCut, ...texts } = e.content ?? {};
        const hasTexts = texts.inputText !== undefined || texts.outputText !== undefined || texts.unhashedJson !== undefined;
        numbers[n + CONTENT] = e.content === undefined ? 0 : 1;
        numbers[n + METADATA] = metadataJson === undefined ? -1 : intern(metadataJson);
        numbers[n + METADATA_CUT] = metadataCut ? CUT_FOR_SIZE : metadataTruncated ? CUT_MARKED : NOT_CUT;
        numbers[n + ARCHIVED] = e.archived ? 1 : 0;
        numbers[n + AT] = e.at ?? NaN;
        const p = e.pointer;
        numbers[n + POINTER_KEY] = p === undefined ? -1 : intern(p.key);
        numbers[n + POINTER_STATE] = p === undefined ? NO_POINTER : p.sha256 !== undefined ? POINTER_SHA : p.failed ? POINTER_FAILED : POINTER_BARE;
        digests.write(e.hash, i * DIGESTS, 32, "hex");
        if (e.link.prev !== null) digests.write(e.link.prev, i * DIGESTS + 32, 32, "hex");
        if (p?.sha256 !== undefined) digests.write(p.sha256, i * DIGESTS + 64, 32, "hex");
        if (e.link.genesis !== undefined || hasTexts || !whereIsLine || e.flaw !== undefined) {
            const r: Rare = {};
            if (e.link.genesis !== undefined) r.genesis = e.link.genesis;
            if (hasTexts) r.content = texts;
            if (!whereIsLine) r.where = e.where;
            if (e.flaw !== undefined) r.flaw = e.flaw;
            rare.push([i, r]);
        }
    });
    return { count, numbers, digests: bytes, strings, rare, checkpoints: input.checkpoints, damaged: input.damaged, archiveObjects: input.archiveObjects, skipped: input.skipped, logRead: input.logRead };
}

export function unpackInput(packed: PackedInput): AuditInput {
    const { numbers, strings } = packed;
    const digests = Buffer.from(packed.digests.buffer, packed.digests.byteOffset, packed.digests.byteLength);
    const rare = new Map(packed.rare);
    const entries = new Array<ChainEntry>(packed.count);
    for (let i = 0; i < packed.count; i++) {
        const n = i * STRIDE;
        const r = rare.get(i);
        const link: EntryLink = {
            writer: strings[numbers[n + WRITER]],
            seq: numbers[n + SEQ],
            prev: numbers[n + PREV_NULL] === 1 ? null : digests.toString("hex", i * DIGESTS + 32, i * DIGESTS + 64),
        };
        if (r?.genesis !== undefined) link.genesis = r.genesis;
        const group = strings[numbers[n + GROUP]];
        const position = numbers[n + POSITION];
        const entry: ChainEntry = {
            link,
            hash: digests.toString("hex", i * DIGESTS, i * DIGESTS + 32),
            kind: numbers[n + KIND] === 1 ? "close" : "record",
            source: numbers[n + SOURCE],
            where: numbers[n + WHERE_IS_LINE] === 1 ? `${group}:${position}` : r!.where!,
            group,
            storedAt: Number.isNaN(numbers[n + STORED_AT]) ? undefined : numbers[n + STORED_AT],
            position,
        };
        if (!Number.isNaN(numbers[n + AT])) entry.at = numbers[n + AT];
        const state = numbers[n + POINTER_STATE];
        if (state !== NO_POINTER) {
            const pointer: ArchivePointer = { key: strings[numbers[n + POINTER_KEY]] };
            if (state === POINTER_SHA) pointer.sha256 = digests.toString("hex", i * DIGESTS + 64, i * DIGESTS + 96);
            else if (state === POINTER_FAILED) pointer.failed = true;
            entry.pointer = pointer;
        }
        if (numbers[n + TENANT] >= 0) entry.tenantId = strings[numbers[n + TENANT]];
        if (numbers[n + CONTENT] === 1) {
            const content: RecordContent = { ...r?.content };
            if (numbers[n + METADATA] >= 0) content.metadataJson = strings[numbers[n + METADATA]];
            if (numbers[n + METADATA_CUT] !== NOT_CUT) content.metadataTruncated = true;
            if (numbers[n + METADATA_CUT] === CUT_FOR_SIZE) content.metadataCut = true;
            entry.content = content;
        }
        if (numbers[n + ARCHIVED] === 1) entry.archived = true;
        if (r?.flaw !== undefined) entry.flaw = r.flaw;
        entries[i] = entry;
    }
    return { entries, checkpoints: packed.checkpoints, damaged: packed.damaged, archiveObjects: packed.archiveObjects, skipped: packed.skipped, logRead: packed.logRead };
}
