/**
 * Plan-file mutations for the whole-account proof: resources added to a
 * stack file, properties edited in `inputs` (what the program asked for) or
 * in `outputs` only (what AWS holds after a refresh), and the same files
 * rewritten in the `pulumi preview --json` shape.
 */
import * as fs from "fs";
import * as path from "path";
import { SECRET_SIG, SIG_KEY } from "../../verifier/pulumi-formats";
import { stackFiles, type StackDoc } from "./plan-files";
import { makeTempDir } from "./temp-dir";

export const OPS = "999999999999";
export const CUSTOMER_A = "111111111111";
export const CUSTOMER_B = "222222222222";
export const TENANT_A_ROLE = "BedrockTenantAccess-customer-a";
export const TENANT_B_ROLE = "BedrockTenantAccess-customer-b";
export const RUNTIME_A = `arn:aws:iam::${CUSTOMER_A}:role/BedrockTenancyRuntime-customer-a`;
export const RUNTIME_B = `arn:aws:iam::${CUSTOMER_B}:role/BedrockTenancyRuntime-customer-b`;
export const LOG_GROUP_A = `arn:aws:logs:us-east-1:${CUSTOMER_A}:log-group:/bedrock-tenancy/customer-a/audit`;
export const KEY_A = `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/customer-a-key-id`;
export const ARCHIVE_A = "btn-customer-a-archive-111111111111";

/** Where an edit lands: what the program asked for, or only what AWS holds. */
export type Side = "inputs" | "outputs";

/** A new resource of `stack`, under the stack, with the same inputs and outputs. */
export function added(stack: string, type: string, name: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}): any {
    return {
        urn: `urn:pulumi:${stack}::bedrock-tenancy::${type}::${name}`,
        type, custom: true, id: `${name}-id`,
        parent: `urn:pulumi:${stack}::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-${stack}`,
        inputs: props, outputs: { ...props, ...extra },
    };
}

export function find(doc: StackDoc, type: string, match: (r: any) => boolean): any {
    const r = doc.deployment.resources.find((x) => x.type === type && match(x));
    if (!r) throw new Error(`no ${type} matching in the plan`);
    return r;
}

export const named = (name: string) => (r: any) => r.inputs?.name === name || r.outputs?.name === name || r.urn.endsWith(`::${name}`);

/** Sets `key` of the resource on one side; the other side keeps what it had. */
export function setProp(r: any, side: Side, key: string, value: unknown): void {
    r[side] = { ...r[side], [key]: value };
}

/** The policy document of a property, secret opened and parsed, for an edit. */
export function documentOf(r: any, side: Side, key: string): any {
    let v = r[side][key] ?? r.inputs[key];
    if (v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG) v = v.plaintext;
    return JSON.parse(JSON.stringify(typeof v === "string" ? JSON.parse(v) : v));
}

/**
 * Marks a resource the change deletes: a `delete` step carrying it as its
 * old state in the preview shape, and absent from the export after the update.
 */
export const DELETED_BY_PREVIEW = "__deletedByPreview";

/** `pulumi preview --json` of the export: every resource a step that keeps it, or deletes it when marked. */
export function asPreview(doc: StackDoc): any {
    return {
        steps: doc.deployment.resources.map((r) => {
            if (!r[DELETED_BY_PREVIEW]) return { op: "same", urn: r.urn, oldState: r, newState: r };
            const { [DELETED_BY_PREVIEW]: _, ...old } = r;
            return { op: "delete", urn: r.urn, oldState: old };
        }),
    };
}

/** The export after the update: the resources the change deletes are no longer in the state. */
function asExport(doc: StackDoc): StackDoc {
    return { ...doc, deployment: { ...doc.deployment, resources: doc.deployment.resources.filter((r) => !r[DELETED_BY_PREVIEW]) } };
}

/** A copy of the plan folder with each stack file edited, written in the export or the preview shape. */
export function mutatedPlan(dir: string, shape: "stack-export" | "preview", edits: Record<string, (doc: StackDoc) => void>, drop: string[] = []): string {
    const copy = makeTempDir("bedrock-tenancy-mutated-");
    for (const file of stackFiles(dir)) {
        const stack = path.basename(file, ".json");
        if (drop.includes(stack)) continue;
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as StackDoc;
        edits[stack]?.(doc);
        fs.writeFileSync(path.join(copy, `${stack}.json`), JSON.stringify(shape === "preview" ? asPreview(doc) : asExport(doc)));
    }
    return copy;
}
