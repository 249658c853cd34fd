/**
 * Metadata a caller made unreadable (a proxy whose traps throw, a revoked
 * proxy, a getter that throws, at any level, the metadata object itself
 * included) costs the record those parts, recorded as "[unreadable]" with
 * `metadataTruncated`, never the record or the call: in every content mode
 * and both audit modes. A Map or Set with entries, which JSON writes as `{}`,
 * is marked the same way.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import type { AuditMode, ContentMode } from "../../contract";
import { MemorySink } from "../support/memory-sink";

function throwingGetter(): Record<string, unknown> {
    const holder = { kept: "yes" };
    Object.defineProperty(holder, "x", { enumerable: true, get: () => assert.fail("getter read") });
    return holder;
}

function revoked(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
}

const boom = () => {
    throw new Error("trap");
};

/**
 * Each case, what `full` mode records of it (undefined: the metadata could
 * not be listed at all), and whether the unreadable part is the metadata
 * object's own (`none` mode reads no value it redacts, so only those).
 */
const CASES: [string, () => Record<string, unknown>, Record<string, unknown> | undefined, ("top level")?][] = [
    ["a proxy whose ownKeys throws", () => ({ p: new Proxy({}, { ownKeys: boom }), kept: "yes" }), { p: "[unreadable]", kept: "yes" }],
    ["a proxy whose get throws", () => ({ p: new Proxy({ a: 1 }, { get: boom }), kept: "yes" }), { p: "[unreadable]", kept: "yes" }],
    ["a proxy whose getPrototypeOf throws", () => ({ p: new Proxy({ a: 1 }, { getPrototypeOf: boom }), kept: "yes" }), { p: "[unreadable]", kept: "yes" }],
    ["a revoked proxy", () => ({ p: revoked(), kept: "yes" }), { p: "[unreadable]", kept: "yes" }],
    ["a nested getter that throws", () => ({ g: throwingGetter() }), { g: { kept: "yes", x: "[unreadable]" } }],
    ["a getter that throws on the metadata itself", throwingGetter, { kept: "yes", x: "[unreadable]" }, "top level"],
    ["a proxy as the metadata, every trap throwing", () => new Proxy({}, { ownKeys: boom, get: boom, getPrototypeOf: boom, has: boom }), undefined, "top level"],
    ["a revoked proxy as the metadata", () => revoked() as Record<string, unknown>, undefined, "top level"],
];

describe("metadata that cannot be read", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        for (const contentMode of ["none", "hash", "full"] as ContentMode[]) {
            it(`costs no record, ${auditMode}, content mode ${contentMode}`, async () => {
                for (const [name, metadata, inFull, level] of CASES) {
                    const sink = new MemorySink();
                    const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, contentMode, auditMode, onWarning: (w) => assert.fail(`${name}: ${w}`) });

                    await model.invoke("hi", { metadata: metadata() });
                    await model.auditLogger.flush();

                    const records = sink.records();
                    assert.deepEqual(records.map((r) => r.outcome), auditMode === "fail-closed" ? ["started", "success"] : ["success"], name);
                    assert.equal(model.auditLogger.stats().lost, 0, name);
                    const [record] = records.slice(-1);
                    if (contentMode !== "none" || level === "top level") assert.equal(record.metadataTruncated, true, name);
                    if (contentMode === "full") assert.deepEqual(record.metadata ?? {}, inFull ?? {}, name);
                }
            });
        }
    }

    it("a Map or a Set with entries is written as JSON writes it, {}, and the record says metadata was cut; an empty one is not a cut", async () => {
        const cases: [string, Record<string, unknown>, boolean][] = [
            ["a Map with entries", { m: new Map([["k", "v"]]), kept: "yes" }, true],
            ["a Set with entries, nested", { n: { s: new Set(["a"]) }, kept: "yes" }, true],
            ["an empty Map and Set", { m: new Map(), s: new Set(), kept: "yes" }, false],
        ];
        for (const [name, metadata, cut] of cases) {
            const sink = new MemorySink();
            const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, contentMode: "full", onWarning: (w) => assert.fail(`${name}: ${w}`) });
            await model.invoke("hi", { metadata });
            await model.auditLogger.flush();
            const [record] = sink.records().slice(-1);
            assert.equal(record.metadataTruncated === true, cut, name);
            assert.equal((record.metadata as { kept?: string }).kept, "yes", name);
            assert.equal(model.auditLogger.stats().lost, 0, name);
        }
    });
});
