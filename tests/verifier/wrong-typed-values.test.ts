/**
 * Values of the wrong type where the proof compares text or numbers: an
 * object whose `toString` or `valueOf` is not a function cannot be converted
 * at all, and a list of one would read as its item. Each is a finding (or
 * unreadable input), never a crash, wherever in the plan it stands.
 */
import * as assert from "assert";
import { SECRET_SIG, SIG_KEY, stackStateOf, UnreadableInputError } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";

/** JSON's closest to a value with no conversion to text or number. */
const NO_TEXT = { toString: 1 };
const NO_PRIMITIVE = { valueOf: {}, toString: {} };

const proved = (ops: StackDoc, customer: StackDoc) => verifyStates([stackStateOf("ops.json", ops), stackStateOf("customer-a.json", customer)]);
const codes = (ops: StackDoc, customer: StackDoc) => proved(ops, customer).violations.map((v) => v.code);
const named = (doc: StackDoc, name: string) => {
    const found = doc.deployment.resources.find((r) => r.urn.endsWith(`::${name}`));
    if (!found) throw new Error(`no resource ${name} in the plan`);
    return found;
};

/** A resource's inputs and outputs with secrets opened and JSON held in text parsed, so every leaf is reachable. */
function opened(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(opened);
    if (typeof value === "object" && value !== null) {
        const v = value as Record<string, unknown>;
        if (v[SIG_KEY] === SECRET_SIG && typeof v.plaintext === "string") return opened(JSON.parse(v.plaintext));
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, opened(x)]));
    }
    if (typeof value === "string" && (value.startsWith("{") || value.startsWith("["))) {
        try {
            return opened(JSON.parse(value));
        } catch {
            return value;
        }
    }
    return value;
}

/** Paths of every text leaf under `value`. */
function textLeaves(value: unknown, at: string[] = [], out: string[][] = []): string[][] {
    if (typeof value === "string") out.push(at);
    else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) textLeaves(v, [...at, k], out);
    return out;
}

function setAt(root: unknown, path: string[], value: unknown): void {
    let at = root as Record<string, unknown>;
    for (const k of path.slice(0, -1)) {
        if (typeof at[k] !== "object" || at[k] === null) return;
        at = at[k] as Record<string, unknown>;
    }
    if (path[path.length - 1] in at) at[path[path.length - 1]] = value;
}

describe("values of the wrong type", function () {
    this.timeout(120_000);
    let docs: { ops: StackDoc; customer: StackDoc };
    beforeEach(async () => {
        docs = await shippedDocs();
    });

    it("leave the shipped plan proved once its secrets and JSON texts are opened", () => {
        for (const r of [named(docs.customer, "customer-a-function"), named(docs.ops, "tenants-customer-a-quota-daily"), named(docs.customer, "customer-a-failed-calls")]) {
            r.inputs = opened(r.inputs);
            r.outputs = opened(r.outputs);
        }
        assert.deepStrictEqual(codes(docs.ops, docs.customer), []);
    });

    const UNCONVERTIBLE = [["an object without toString", NO_TEXT], ["an object without valueOf or toString", NO_PRIMITIVE]] as const;

    for (const [label, value] of [...UNCONVERTIBLE, ["a list of the model's profile", "a list"]] as const) {
        it(`finds a runtime model route to ${label}`, () => {
            const fn = named(docs.customer, "customer-a-function");
            const env = opened(fn.inputs.environment) as { variables: Record<string, unknown> };
            const routes = env.variables.BEDROCK_TENANCY_MODEL_ROUTES as Record<string, unknown>;
            const [model, profile] = Object.entries(routes)[0];
            env.variables.BEDROCK_TENANCY_MODEL_ROUTES = JSON.stringify({ ...routes, [model]: value === "a list" ? [profile] : value });
            fn.inputs.environment = env;
            assert.ok(codes(docs.ops, docs.customer).includes("BT-CUSTOMER-RUNTIME-REDIRECT"));
        });
    }

    for (const [label, value] of [...UNCONVERTIBLE, ["a list of a token metric", ["InputTokenCount"]]] as const) {
        it(`finds a quota alarm counting a metric named by ${label}`, () => {
            const alarm = named(docs.ops, "tenants-customer-a-quota-daily");
            const queries = opened(alarm.inputs.metricQueries) as { metric?: { metricName: unknown } }[];
            queries.find((q) => q.metric)!.metric!.metricName = value;
            alarm.inputs.metricQueries = queries;
            assert.ok(codes(docs.ops, docs.customer).includes("BT-OPS-QUOTA-WIRING"));
        });
    }

    for (const [label, value] of [...UNCONVERTIBLE, ["a list of the number", ["0"]]] as const) {
        it(`finds an audit metric filter whose default value is ${label}`, () => {
            const filter = named(docs.customer, "customer-a-failed-calls");
            const t = opened(filter.inputs.metricTransformation) as Record<string, unknown>;
            t.defaultValue = value;
            filter.inputs.metricTransformation = t;
            assert.ok(codes(docs.ops, docs.customer).includes("BT-CUSTOMER-AUDIT-REMOVAL"));
        });
    }

    it("end in a report or as unreadable input wherever a text of the plan stands", () => {
        const base = structuredClone(docs);
        let tried = 0;
        for (const stack of ["ops", "customer"] as const) {
            base[stack].deployment.resources.forEach((r: { urn: string; inputs?: unknown; outputs?: unknown }, i: number) => {
                const paths = new Set([...textLeaves(opened(r.inputs ?? {})), ...textLeaves(opened(r.outputs ?? {}))].map((p) => JSON.stringify(p)));
                for (const text of paths) {
                    const path = JSON.parse(text) as string[];
                    const edited = structuredClone(base);
                    const at = edited[stack].deployment.resources[i];
                    const sides = { inputs: opened(at.inputs ?? {}), outputs: opened(at.outputs ?? {}) };
                    setAt(sides, ["inputs", ...path], NO_TEXT);
                    setAt(sides, ["outputs", ...path], NO_TEXT);
                    Object.assign(at, sides);
                    tried++;
                    try {
                        proved(edited.ops, edited.customer);
                    } catch (err) {
                        if (!(err instanceof UnreadableInputError)) assert.fail(`${r.urn} ${path.join(".")} as ${JSON.stringify(NO_TEXT)}: ${(err as Error).stack}`);
                    }
                }
            });
        }
        assert.ok(tried > 500, `only ${tried} texts tried`);
    });
});
