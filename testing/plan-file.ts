/**
 * Plans a Pulumi program under the shipped mocks, as a unit test runs it,
 * and writes the result in the shape of `pulumi stack export --show-secrets`,
 * so `npx bedrock-tenancy verify` (and any reader of stack exports) can check
 * a consumer's own stacks offline, without a Pulumi CLI or an AWS account.
 * Uses Pulumi's public mock API; a component's outputs, which the mocks'
 * `newResource` never sees, are read from the mock engine's record of what
 * each component registered.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { makeFolder } from "../verifier/folders";
import { installMocks, mockSetupProblems, type MockOptions, type RecordedResource } from "./pulumi-mocks";

/** Pulumi's signature of special values, and the one that marks a secret. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface StackExport {
    version: 3;
    deployment: { manifest: Record<string, string>; resources: Record<string, unknown>[] };
}

/** `installMocks` options; `preview` defaults to false here, as an export follows an update. */
export interface PlanOptions extends MockOptions {
    project: string;
    stack: string;
}

/** A secret in the engine's wire form `{ sig, value }` becomes the export's `{ sig, plaintext }`. */
function exported(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(exported);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG_KEY] === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(plain(node.value)) };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, exported(v)]));
}

function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG_KEY] === SECRET_SIG) return plain(node.value);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, plain(v)]));
}

async function stackOutput(value: unknown): Promise<unknown> {
    if (!pulumi.Output.isInstance(value)) return value;
    // `apply` never calls back on an Output whose callback threw; the Output's own promise rejects with the error.
    const resolved = await (value as unknown as { promise(): Promise<unknown> }).promise();
    return (await pulumi.isSecret(value)) ? { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(resolved) } : resolved;
}

/**
 * Runs `program` under the mocks (configured by `options`, as
 * {@link installMocks}), waits for everything it registered, and returns the
 * stack export. What `program` returns (an object of values or Outputs)
 * becomes the stack's outputs, secret ones encrypted-as-exported. A program
 * that fails, inside an Output's callback too, rejects with its error (one
 * error each distinct message when it fails in several ways).
 */
export async function planStack(program: () => Record<string, unknown> | void | Promise<Record<string, unknown> | void>, options: PlanOptions): Promise<StackExport> {
    const failures = collectFailures();
    let doc: StackExport | undefined;
    try {
        // A registration whose inputs failed never completes, so the engine never drains: the first failure ends the plan.
        doc = await Promise.race([planCollected(program, options), failures.first]);
    } catch (e) {
        failures.add(e);
    }
    const errors = await failures.end();
    if (errors.length === 0 && doc) return doc;
    // Mocks not given what the program reads: that is the failure, whatever the SDK wrapped it in on the way.
    const setup = mockSetupProblems();
    if (setup.length > 0) throw setup[0];
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join("\n"));
}

/**
 * Failures of the program that nothing awaits: an error thrown inside
 * `apply` rejects every Output derived from it and every registration reading
 * one, and under `pulumi up` the language host reports those rejections as the
 * program's error. For the length of one plan they are the plan's, not the
 * process's (whose default is to exit), so the other listeners are set aside
 * meanwhile and put back after.
 */
function collectFailures(): { add(e: unknown): void; first: Promise<never>; end(): Promise<unknown[]> } {
    const seen = new Map<string, unknown>();
    let fail: (e: unknown) => void = () => undefined;
    const first = new Promise<never>((_, reject) => (fail = reject));
    // Only raced against the plan: settling after the plan has ended is not a failure of its own.
    first.catch(() => undefined);
    const add = (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (!seen.has(message)) seen.set(message, e);
        fail(e);
    };
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", add);
    return {
        add,
        first,
        async end() {
            // A rejection is reported as unhandled only once the microtasks of its turn have run.
            for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
            process.removeListener("unhandledRejection", add);
            for (const listener of others) process.on("unhandledRejection", listener);
            return [...seen.values()];
        },
    };
}

async function planCollected(program: () => Record<string, unknown> | void | Promise<Record<string, unknown> | void>, options: PlanOptions): Promise<StackExport> {
    // An export describes the stack after an update, where every value is known.
    const recorded = await installMocks({ preview: false, ...options });
    const resolved: Record<string, unknown> = {};
    const outputs = (await program()) ?? {};
    for (const [name, value] of Object.entries(outputs)) resolved[name] = await stackOutput(value);
    // Resources registered from inside `apply` arrive later: wait until the engine has answered every registration.
    await pulumi.runtime.disconnect();
    const byResource = componentOutputs();
    const prefix = `urn:pulumi:${options.stack}::${options.project}::`;
    const stackUrn = `${prefix}pulumi:pulumi:Stack::${options.project}-${options.stack}`;
    const resources = [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: resolved },
        ...recorded.map((r: RecordedResource) => ({
            urn: `${prefix}${r.type}::${r.name}`,
            custom: r.custom,
            ...(r.custom ? { id: r.id } : {}),
            type: r.type,
            parent: stackUrn,
            inputs: exported(r.inputs),
            outputs: exported(r.custom ? r.state : byResource.get(`${r.type}::${r.name}`) ?? {}),
        })),
    ];
    return { version: 3, deployment: { manifest: { time: new Date().toISOString(), magic: "", version: "bedrock-tenancy/testing planStack (Pulumi mocks)" }, resources } };
}

/** What the mock engine keeps of each resource: a component's state is what it registered as its outputs. */
interface MockEngine {
    getRegisteredResources(): Map<string, { urn: string; state: unknown }>;
}

/**
 * Every component's registered outputs, keyed by its type and name as the
 * mocks recorded them, read from the mock engine's own record (public API:
 * `pulumi.runtime.getMonitor()` is the `MockMonitor` that `setMocks`
 * installed). Secret outputs keep the engine's `{ sig, value }` form.
 */
function componentOutputs(): Map<string, Record<string, unknown>> {
    const engine = pulumi.runtime.getMonitor() as unknown as Partial<MockEngine> | undefined;
    if (typeof engine?.getRegisteredResources !== "function") {
        throw new Error("planStack runs under the Pulumi mocks only: the engine it found keeps no record of registered resources");
    }
    const byResource = new Map<string, Record<string, unknown>>();
    for (const { urn, state } of engine.getRegisteredResources().values()) {
        // urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME
        const [, , qualifiedType, ...name] = urn.split("::");
        const plainState = typeof (state as { toJavaScript?: unknown } | null)?.toJavaScript === "function" ? (state as { toJavaScript(): unknown }).toJavaScript() : state;
        byResource.set(`${qualifiedType.split("$").pop()}::${name.join("::")}`, (plainState ?? {}) as Record<string, unknown>);
    }
    return byResource;
}

/** Writes a stack export to `file` (creating its folder), as `pulumi stack export --show-secrets --file` would. */
export function writeStackExport(file: string, doc: StackExport): void {
    makeFolder(path.dirname(file));
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
