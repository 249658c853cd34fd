/**
 * Every field of {@link AuditRecord}, with its column type and meaning: the
 * one description the archive's Glue/Athena columns, the metric filters'
 * JSON paths and the field table in docs/runtime.md are all generated from.
 * The mapped types below make a field added to `AuditRecord` without an
 * entry here a compile error.
 */
import type { AuditRecord } from "./audit-schema";

/** Athena (Hive DDL) types the fields use. */
export type AuditColumnType = "string" | "bigint" | "int" | "double" | "boolean";

export interface AuditFieldSpec {
    type: AuditColumnType;
    doc: string;
}

export interface AuditStructSpec<T> {
    doc: string;
    fields: { readonly [K in keyof Required<T>]: AuditFieldSpec };
}

type NestedKeys = "input" | "output" | "archive" | "chain";
type Nested = { input: AuditRecord["input"]; output: AuditRecord["output"]; archive: NonNullable<AuditRecord["archive"]>; chain: NonNullable<AuditRecord["chain"]> };

export type AuditFieldSpecs = { readonly [K in Exclude<keyof AuditRecord, NestedKeys>]-?: AuditFieldSpec } & {
    readonly [K in NestedKeys]: AuditStructSpec<Nested[K]>;
};

const str = (doc: string): AuditFieldSpec => ({ type: "string", doc });
const big = (doc: string): AuditFieldSpec => ({ type: "bigint", doc });
const int = (doc: string): AuditFieldSpec => ({ type: "int", doc });
const bool = (doc: string): AuditFieldSpec => ({ type: "boolean", doc });

/** The audit record's fields in the order records write them. */
export const AUDIT_FIELDS: AuditFieldSpecs = {
    schemaType: str("always `BedrockTenancyInvocationAudit`: marks the line as an audit record"),
    schemaVersion: str("version of this schema"),
    timestamp: str("ISO-8601 time the call started (both records of a call carry the same)"),
    outcome: str("`started` (write-ahead, fail-closed only); `success`; `error` (failed at or on the way to Bedrock); `rejected` (refused before any model call)"),
    callId: str("one id per call, shared by its `started` and completion records and their archive objects"),
    tenantId: str("the tenant"),
    userId: str("the caller's user id"),
    applicationId: str("the caller's application id"),
    clientRequestId: str("the caller's own request id; `requestId` is Bedrock's"),
    taskType: str("the caller's task label"),
    kbId: str("the caller's knowledge-base id"),
    modelId: str("the model as the caller named it"),
    invokedModelId: str("the inference profile invoked instead, only when different"),
    region: str("Bedrock Region the call was sent to"),
    operation: str("`Converse`, `ConverseStream`, or `AssumeRole` when the ops session could not be obtained: AssumeRole failed, or the call ended (its deadline, an abort, a client that went away) while AssumeRole was still pending"),
    requestId: str("Bedrock's request id (`x-amzn-requestid`)"),
    stsRequestId: str("STS's request id, on the record of a failed `AssumeRole`"),
    input: {
        doc: "the prompt",
        fields: {
            inputTokenCount: big("Bedrock's input tokens, cache tokens excluded"),
            cacheReadInputTokenCount: big("tokens read from the prompt cache"),
            cacheWriteInputTokenCount: big("tokens written to the prompt cache"),
            inputCharCount: big("characters of prompt text (every mode)"),
            inputSha256: str("hex SHA-256 of the complete prompt: `hash` mode, and `full` mode when the text was cut"),
            inputText: str("`full` mode: the prompt, cut to the record's size limit"),
            inputTruncated: bool("`true` when `inputText` was cut"),
        },
    },
    output: {
        doc: "the completion",
        fields: {
            outputTokenCount: big("output tokens (for a stream cut short: deltas received)"),
            outputCharCount: big("characters of completion text"),
            outputSha256: str("hex SHA-256 of the complete completion: `hash` mode, and `full` mode when the text was cut"),
            outputText: str("`full` mode: the completion, cut to the record's size limit"),
            outputTruncated: bool("`true` when `outputText` was cut"),
        },
    },
    totalTokenCount: big("Bedrock's total tokens"),
    latencyMs: big("measured by the client, start to end"),
    bedrockLatencyMs: big("reported by Bedrock (`metrics.latencyMs`)"),
    timeToFirstTokenMs: big("`ConverseStream`: client-measured time from the start to the first text delta"),
    stopReason: str("why the model stopped"),
    attempts: int("SDK attempts, retries included"),
    estimatedCostUsd: { type: "double", doc: "from the price data; `null` (never 0) when the model has no price or no usage was reported" },
    contentMode: str("`none`, `hash` or `full`"),
    errorCode: str("error name (`ThrottlingException`, ...) on `error` and `rejected` records; a bare `Error` with a Node error code (`ECONNRESET`) is recorded under that code"),
    errorMessage: str("content-free: the error's name and HTTP status, never the service's message (it can quote the prompt)"),
    errorField: str("the field a rejection is about"),
    httpStatusCode: int("HTTP status of the failed request"),
    throttled: bool("`true` when the call was throttled"),
    metadata: str("JSON object: anything else passed in `invoke(..., { metadata })`; values follow the content mode unless their key is marked safe"),
    metadataTruncated: bool("`true` when `metadata` was cut: to its size limit on the line, or, in every copy, a value nested past 16 levels, one past the 100,000 values or 4 Mi characters all metadata may hold, one that could not be read, or a `Map` or `Set` with entries (JSON writes `{}`)"),
    metadataSha256: str("hex SHA-256 of the metadata as the record holds it, as JSON, when the line cut it to its size limit"),
    archive: {
        doc: "log copies only, with the archive on: where the complete record is",
        fields: {
            key: str("the archive object's key"),
            sha256: str("hex SHA-256 of the object"),
            errorCode: str("why the archive write failed"),
        },
    },
    chain: {
        doc: "the record's place in its writer's hash chain ([audit trail](audit-trail.md))",
        fields: {
            writer: str("the writer's id: one per Lambda container or process"),
            seq: big("0 for the writer's genesis record, then one more per record"),
            prev: str("hex SHA-256 of the writer's previous record; null on the genesis record"),
            at: str("ISO-8601 time the record was written, never earlier than the writer's previous record"),
            genesis: str("JSON object, on the writer's first record only (seq 0): `function` or `task`, `instance`, `startedAt`"),
        },
    },
};

function isStruct(spec: AuditFieldSpec | AuditStructSpec<unknown>): spec is AuditStructSpec<unknown> {
    return "fields" in spec;
}

/** The archive table's columns, lower-cased as Glue keeps them. */
export function auditColumns(): { name: string; type: string }[] {
    return Object.entries(AUDIT_FIELDS).map(([name, spec]: [string, AuditFieldSpec | AuditStructSpec<unknown>]) => ({
        name: name.toLowerCase(),
        type: isStruct(spec)
            ? `struct<${Object.entries(spec.fields as Record<string, AuditFieldSpec>).map(([sub, s]) => `${sub.toLowerCase()}:${s.type}`).join(",")}>`
            : spec.type,
    }));
}

/** Every field path (`outcome`, `input.inputTokenCount`, ...), nested ones after their parent. */
export function auditFieldPaths(): string[] {
    return Object.entries(AUDIT_FIELDS).flatMap(([name, spec]: [string, AuditFieldSpec | AuditStructSpec<unknown>]) =>
        isStruct(spec) ? [name, ...Object.keys(spec.fields).map((sub) => `${name}.${sub}`)] : [name],
    );
}

/** The field table of docs/runtime.md. */
export function auditFieldTable(): string {
    const rows = Object.entries(AUDIT_FIELDS).flatMap(([name, spec]: [string, AuditFieldSpec | AuditStructSpec<unknown>]) =>
        isStruct(spec)
            ? [`| \`${name}\` | struct | ${spec.doc} |`, ...Object.entries(spec.fields as Record<string, AuditFieldSpec>).map(([sub, s]) => `| \`${name}.${sub}\` | ${s.type} | ${s.doc} |`)]
            : [`| \`${name}\` | ${spec.type} | ${spec.doc} |`],
    );
    return ["| field | type | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** CloudWatch filter-pattern path of a field, checked against {@link AUDIT_FIELDS}. */
export function auditJsonPath<K extends keyof AuditFieldSpecs>(field: K, sub?: K extends NestedKeys ? keyof Nested[K] & string : never): string {
    const spec = AUDIT_FIELDS[field] as AuditFieldSpec | AuditStructSpec<unknown>;
    if (sub !== undefined && !(isStruct(spec) && sub in (spec.fields))) {
        throw new RangeError(`audit field ${String(field)}.${sub} does not exist`);
    }
    return sub === undefined ? `$.${String(field)}` : `$.${String(field)}.${sub}`;
}
