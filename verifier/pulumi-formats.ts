/**
 * Reads the two JSON formats Pulumi writes about a stack:
 *
 * - `pulumi stack export --show-secrets`: an `UntypedDeployment`
 *   (`{ version: 3, deployment: { manifest, resources: ResourceV3[] } }`);
 * - `pulumi preview --json --show-sames --show-secrets`: a `PreviewDigest`
 *   (`{ steps: [{ op, urn, oldState?, newState? }] }`, each state a ResourceV3).
 *
 * Secrets arrive as `{ "4dabf…": "1b47…", plaintext: "<JSON text>" }` once
 * decrypted; an export without `--show-secrets` carries `ciphertext` instead,
 * which the verifier cannot read. Secrets and output values are decoded once,
 * as the file is read, so that every check reads plain values.
 */

import { PREVIEW_UNKNOWN, isRecord } from "../contract";
import { mayBeObjectText, noteTextFree } from "./object-text";
import { addSamePairs, noteSamePairs } from "./same-value";
import { isDeepStrictEqual } from "util";
import { repeatedPlanKey } from "./plan-keys";

/** Pulumi's signature key for special property values. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/**
 * An output value (`{ sig, value?, secret?, dependencies? }`): the value it
 * wraps, or none while it is not known. Read as an object, a wrapped `false`
 * would pass every check that looks for `false`.
 */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** The other special values a state holds (assets, archives, resource references): read as the objects they are. */
const OTHER_SIGNATURES = new Set(["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7", "5cf8f73096256a8f31e491e813e4eb8e"]);
/** What `pulumi preview` writes for a value not known until deployment. */
export const UNKNOWN_VALUE = PREVIEW_UNKNOWN;

/** Input the verifier cannot read: exit code 2, never a clean result. */
export class UnreadableInputError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "UnreadableInputError";
    }
}

/** One resource of one stack, secrets decoded. */
export interface StackResource {
    urn: string;
    type: string;
    /** The resource's name: the last part of its URN. */
    name: string;
    custom: boolean;
    /** The provider's id (a role's id is its name). */
    id?: string;
    parent?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    /** What the program asked for, where `inputs` is a view with the outputs laid over it (what AWS holds). */
    asked?: Record<string, unknown>;
    /** A stack export's `delete: true`: replaced, but still in AWS until the update finishes. */
    pendingDelete?: boolean;
    /**
     * A stack export's `pendingReplacement: true`: deleted from AWS ahead of
     * its replacement, which an interrupted update never created.
     */
    pendingReplacement?: boolean;
    /** The provider reference (`<provider URN>::<provider id>`) Pulumi records for a resource a provider deploys. */
    provider?: string;
    /**
     * Deleted by a preview step that leaves it in AWS: with `retainOnDelete`,
     * with `deletedWith` naming a resource the same preview does not keep
     * (the engine then skips the delete), or `protect` (the engine refuses
     * the delete).
     */
    retained?: boolean;
    /**
     * Read with `.get()` (`external: true` in a stack export; a `read` or
     * `read-replacement` step of a preview): it exists in AWS, but the stack
     * neither created nor controls it, so it is never the stack's own. The
     * readers here always set it; it is optional only for callers that build
     * resources themselves.
     */
    external?: boolean;
}

/** An operation an interrupted update left in the export's `pending_operations`. */
export interface PendingOperation {
    type: string;
    urn: string;
    resourceType: string;
}

export interface StackState {
    /** The stack name, from the URNs. */
    stack: string;
    /** The file it came from. */
    file: string;
    format: "stack-export" | "preview";
    resources: StackResource[];
    pendingOperations: PendingOperation[];
    /**
     * A preview's `config` (`"aws:region": "us-east-1"`, secrets blinded): a
     * preview never lists the stack's default providers, whose settings are
     * this configuration.
     */
    config?: Readonly<Record<string, unknown>>;
    /**
     * What a preview's update deletes from AWS (a `delete` or
     * `delete-replaced` the engine carries out, or a `remove-pending-replace`
     * of one deleted ahead of its replacement), each read from its old state:
     * not among `resources`, since it does not stay, but what it held goes
     * with it.
     */
    destroyed?: readonly DestroyedResource[];
}

export interface DestroyedResource {
    resource: StackResource;
    /** The preview step that deletes it. */
    op: string;
    /**
     * A `delete-replaced` step written before its URN's `create-replacement`
     * (`deleteBeforeReplace`): the engine deletes it first, so what its
     * replacement sets is set after, not undone by the delete.
     */
    aheadOfReplacement?: boolean;
}

const urnIndexes = new WeakMap<StackState, ReadonlyMap<string, StackResource>>();

/** The state's resources by URN, built once per state however many checks walk parent chains. */
export function resourcesByUrn(state: StackState): ReadonlyMap<string, StackResource> {
    let index = urnIndexes.get(state);
    if (!index) {
        index = new Map(state.resources.map((r) => [r.urn, r]));
        urnIndexes.set(state, index);
    }
    return index;
}

/** Deeper than any chain of components: the walks above stop there, whatever a file claims. */
const MAX_PARENT_DEPTH = 64;

/** The nearest resource above `r`, following its parents, that `test` accepts. */
export function ancestorWhere(state: StackState, r: StackResource, test: (at: StackResource) => boolean): StackResource | undefined {
    const byUrn = resourcesByUrn(state);
    for (let at = r.parent ? byUrn.get(r.parent) : undefined, hops = 0; at && hops < MAX_PARENT_DEPTH; at = at.parent ? byUrn.get(at.parent) : undefined, hops++) {
        if (test(at)) return at;
    }
    return undefined;
}

/** Parses one file's text; `file` names it in errors. */
export function readStackState(file: string, text: string): StackState {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new UnreadableInputError(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
    }
    const repeated = repeatedPlanKey(text, doc);
    if (repeated !== undefined) throw new UnreadableInputError(`${file}: ${repeated}`);
    return stackStateOf(file, doc);
}

/** Preview steps after which the resource is gone from the stack (a retained one is read from its old state). */
const LEAVING_OPS = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);
/**
 * Steps that drop a resource from the state without a provider delete
 * (`OpReadDiscard` is written `discard`, `OpDiscardReplaced`
 * `discard-replaced`): the resource stays in AWS, whatever its old state
 * says, so it is proved from that state.
 */
const DISCARD_OPS = new Set(["discard", "discard-replaced"]);
/**
 * Every step `op` the engine writes (`display.StepOp`, as its text: there is
 * no `read-discard`); a step of any other is not one Pulumi wrote.
 */
const STEP_OPS = new Set([...LEAVING_OPS, "same", "create", "update", "replace", "create-replacement", "read", "read-replacement", "refresh", "import", "import-replacement", "diff"]);
/**
 * The step that makes a replacement's new resource (`NewCreateReplacementStep`,
 * `NewReadReplacementStep`, `NewImportReplacementStep`): the engine writes a
 * `replace` step of the same URN beside it, holding the same new state.
 */
const NEW_HALF_OPS = new Set(["create-replacement", "read-replacement", "import-replacement"]);

/** Reads one file's parsed JSON; `file` names it in errors. */
export function stackStateOf(file: string, doc: unknown): StackState {
    let raw: unknown[];
    let format: StackState["format"];
    let pendingOperations: PendingOperation[] = [];
    let config: Record<string, unknown> | undefined;
    const retainedUrns = new Set<string>();
    const externalUrns = new Set<string>();
    const destroyedRaw: { op: string; old: Record<string, unknown>; aheadOfReplacement: boolean }[] = [];
    // URN → parent of what a preview deletes: a resource it keeps may still name one as its parent.
    const leavingParents = new Map<string, unknown>();
    let stepUrns: string[] = [];
    if (isRecord(doc) && isRecord(doc.deployment)) {
        if (doc.version !== undefined && doc.version !== 3) {
            throw new UnreadableInputError(`${file} is a stack export of version ${JSON.stringify(doc.version)}; only version 3 (pulumi stack export) is read`);
        }
        // An empty stack's export omits `resources`; anything but a list is not one Pulumi wrote, and read as none it would prove an empty stack.
        const listed = doc.deployment.resources;
        if (listed !== undefined && listed !== null && !Array.isArray(listed)) throw new UnreadableInputError(`${file}: deployment.resources is not a list (${kindOf(listed)}): no stack export Pulumi writes has one`);
        raw = (listed ?? []) as unknown[];
        pendingOperations = readPendingOperations(file, doc.deployment.pending_operations);
        format = "stack-export";
    } else if (isRecord(doc) && Array.isArray(doc.steps)) {
        refuseFailedPreview(file, doc);
        config = readConfig(file, doc.config);
        const steps = (doc.steps as unknown[]).map((step, i) => readStep(file, step, i));
        // The root's step may delete it (a destroy that retains resources): it is counted wherever it stands.
        stepUrns = steps.map((x) => x.urn);
        // A preview lists what would exist afterwards. A deletion leaves nothing, unless the engine
        // skips or refuses it: AWS then keeps the resource, policies and all, outside the stack.
        raw = [];
        // A replacement is written as two steps of one URN, both with the new state: the resource is proved once.
        const replacing = new Set(steps.filter((x) => NEW_HALF_OPS.has(x.op)).map((x) => x.urn));
        refuseSplitReplacements(file, steps, replacing);
        // What stays after the preview, and what it deletes: a `deletedWith` names one of them.
        const staying = new Set(steps.filter((x) => x.newState !== undefined && !LEAVING_OPS.has(x.op)).map((x) => x.urn));
        const leaving = new Set(steps.filter((x) => LEAVING_OPS.has(x.op)).map((x) => x.urn));
        for (const x of steps) if (LEAVING_OPS.has(x.op)) leavingParents.set(x.urn, x.oldState?.parent);
        // Replacements whose new resource the steps so far have created: a delete after it undoes what it set.
        const createdBefore = new Set<string>();
        for (const [i, step] of steps.entries()) {
            if (NEW_HALF_OPS.has(step.op)) createdBefore.add(step.urn);
            const stays = !LEAVING_OPS.has(step.op);
            if (stays && step.newState === undefined) {
                // What the step leaves in AWS is not in the file: skipping it would prove a stack without it.
                throw new UnreadableInputError(`${file}: step ${i} (${JSON.stringify(step.op)} of ${JSON.stringify(step.urn)}) has no newState: what it leaves in AWS is not in the file`);
            }
            if (!stays && step.oldState === undefined) {
                // Whether AWS keeps the resource, and what it holds, is in the old state alone.
                throw new UnreadableInputError(`${file}: step ${i} (${JSON.stringify(step.op)} of ${JSON.stringify(step.urn)}) has no oldState: whether the resource stays in AWS, and what it holds, is not in the file`);
            }
            if (step.op === "replace" && replacing.has(step.urn)) continue;
            if (stays) {
                raw.push(step.newState!);
                // A preview may write a read's new state without `external`: the step says it all the same.
                if (step.op === "read" || step.op === "read-replacement") externalUrns.add(step.urn);
            } else if (keptOnDelete(step.op, step.oldState!, staying, leaving, `${file}: step ${i} (${step.op} of ${step.urn}) oldState`)) {
                // The engine writes no new state for a step that deletes: one in the file is not what stays.
                raw.push(step.oldState!);
                retainedUrns.add(step.urn);
            } else if (!DISCARD_OPS.has(step.op) && step.oldState!.protect !== true) {
                // The engine refuses to replace a protected resource as it refuses to delete one: the update fails first.
                destroyedRaw.push({ op: step.op, old: step.oldState!, aheadOfReplacement: step.op === "delete-replaced" && !createdBefore.has(step.urn) && replacing.has(step.urn) });
            }
        }
        format = "preview";
    } else {
        throw new UnreadableInputError(`${file} is neither \`pulumi stack export\` JSON (deployment.resources) nor \`pulumi preview --json\` JSON (steps)${reportHint(doc)}`);
    }
    const plaintexts: Plaintexts = { long: new Map(), nearby: [] };
    const textFree: object[] = [];
    const ends: number[] = [];
    const types = new Map<string, string>();
    const samePairs: object[] = [];
    const pairEnds: number[] = [];
    const resources = raw.map((r, i) => {
        const resource = readResource(file, r, i, { plaintexts, textFree, types, format });
        ends.push(textFree.length);
        // Compared now, while both sides were just read: the proof compares them property by property (verify.ts).
        addSamePairs(resource.inputs, resource.outputs, samePairs);
        pairEnds.push(samePairs.length);
        return resource;
    });
    const stacks = new Set(resources.map((r) => stackOfUrn(r.urn)));
    if (stacks.size > 1) {
        throw new UnreadableInputError(`${file} holds resources of more than one stack (${[...stacks].join(", ")}); give one file per stack`);
    }
    // Several steps of one URN are one resource; an export lists each resource once, so a root listed twice is two.
    refuseMissingRoot(file, format === "preview" ? [...new Set(stepUrns)] : resources.map((r) => r.urn));
    refuseBrokenParents(file, resources, leavingParents);
    if (retainedUrns.size > 0 || externalUrns.size > 0) {
        for (const r of resources) {
            if (retainedUrns.has(r.urn)) r.retained = true;
            if (externalUrns.has(r.urn)) r.external = true;
        }
    }
    // Read apart, with nothing shared with what stays: an old state is no part of the stack after the update.
    const destroyed = destroyedRaw.map(({ op, old, aheadOfReplacement }, i): DestroyedResource => ({
        op,
        ...(aheadOfReplacement ? { aheadOfReplacement } : {}),
        resource: readResource(`${file} (deleted by the preview)`, old, i, { plaintexts: { long: new Map(), nearby: [] }, textFree: [], types: new Map(), format }),
    }));
    const state: StackState = { stack: [...stacks][0] ?? "(empty)", file, format, resources, pendingOperations, ...(config ? { config } : {}), ...(destroyed.length > 0 ? { destroyed } : {}) };
    noteTextFree(state, resources, textFree, ends);
    noteSamePairs(state, resources, samePairs, pairEnds);
    return state;
}

/**
 * The engine registers a resource's parent before it, in the same stack, and
 * a parent never descends from its child: every parent a file names is a
 * resource of it, and no chain of parents loops. Which component a resource
 * is created under (whose tenant it is, which QuotaEnforcer's role) is read
 * from that chain, so a file that breaks it is not one Pulumi wrote, and
 * what it creates under what cannot be read.
 */
function refuseBrokenParents(file: string, resources: readonly StackResource[], leavingParents: ReadonlyMap<string, unknown>): void {
    const parentOf = new Map<string, string | undefined>();
    for (const [urn, parent] of leavingParents) parentOf.set(urn, typeof parent === "string" && parent !== "" ? parent : undefined);
    for (const r of resources) parentOf.set(r.urn, r.parent === "" ? undefined : r.parent);
    // 1: on the chain being walked; 2: its chain ends at a resource with no parent.
    const mark = new Map<string, 1 | 2>();
    for (const r of resources) {
        const chain: string[] = [];
        let at: string | undefined = r.urn;
        while (at !== undefined && mark.get(at) !== 2) {
            if (mark.get(at) === 1) {
                const loop = chain.slice(chain.indexOf(at));
                throw new UnreadableInputError(`${file}: ${at} is its own ancestor (${[...loop, at].map((u) => u.split("::").pop()).join(" → ")}): no file Pulumi writes has a cycle of parents, and what the resource is created under cannot be read`);
            }
            mark.set(at, 1);
            chain.push(at);
            const parent: string | undefined = parentOf.get(at);
            // The stack's root holds nothing and is no component: a chain that reaches it ends there, listed or not.
            if (parent !== undefined && !parentOf.has(parent) && !isStackRoot(parent, at)) {
                throw new UnreadableInputError(`${file}: ${at} has the parent ${parent}, which is no resource of the file: Pulumi registers a parent before its children, in the same stack, and what the resource is created under cannot be read`);
            }
            at = parent;
        }
        for (const u of chain) mark.set(u, 2);
    }
}

/**
 * The engine registers the root `pulumi:pulumi:Stack` resource before any
 * other, once per stack: every export and preview of a stack with resources
 * holds exactly one (a preview writes a `same` step for it when unchanged).
 * A file without it is a part of the stack, cut out of its file, and what
 * the rest of the stack holds is not in it; a file with two is two stacks
 * (or one written twice) and does not say which is proved.
 */
function refuseMissingRoot(file: string, urns: readonly string[]): void {
    if (urns.length === 0) return;
    const roots = urns.filter((urn) => urn.split("::")[2] === "pulumi:pulumi:Stack");
    if (roots.length === 1) {
        const [root] = roots;
        const other = urns.find((urn) => stackOfUrn(urn) !== stackOfUrn(root));
        if (other === undefined) return;
        throw new UnreadableInputError(`${file} holds ${other}, of another stack than its root ${root}; give one file per stack`);
    }
    const held = roots.length === 0 ? "no root pulumi:pulumi:Stack resource" : `${roots.length} root pulumi:pulumi:Stack resources (${roots.join(", ")})`;
    throw new UnreadableInputError(`${file} holds ${held}: every stack export and preview of a stack with resources holds exactly one, and a file without it is not a whole stack as Pulumi wrote it`);
}

/** Whether `urn` is the root `pulumi:pulumi:Stack` resource of the stack `child` is in. */
function isStackRoot(urn: string, child: string): boolean {
    const [stack, project, type, ...name] = urn.split("::");
    const [childStack, childProject] = child.split("::");
    return type === "pulumi:pulumi:Stack" && name.length === 1 && stack === childStack && project === childProject;
}

/**
 * The steps of one replacement are one resource, proved from one of them;
 * the engine writes the one new state into each (the same object, written
 * twice). Steps that disagree about it do not say what the replacement
 * leaves in AWS: proving either would leave the other unproved, so the file
 * is not one Pulumi wrote.
 */
function refuseSplitReplacements(file: string, steps: readonly PreviewStep[], replacing: ReadonlySet<string>): void {
    if (replacing.size === 0) return;
    const first = new Map<string, { i: number; step: PreviewStep }>();
    for (const [i, step] of steps.entries()) {
        if (!replacing.has(step.urn) || !(step.op === "replace" || NEW_HALF_OPS.has(step.op)) || step.newState === undefined) continue;
        const seen = first.get(step.urn);
        if (seen === undefined) first.set(step.urn, { i, step });
        else if (!isDeepStrictEqual(seen.step.newState, step.newState)) {
            throw new UnreadableInputError(`${file}: steps ${seen.i} (${seen.step.op}) and ${i} (${step.op}) of ${JSON.stringify(step.urn)} hold different new states for one replacement: the engine writes the same into both, and the file does not say which AWS will hold`);
        }
    }
}

/** Severities of a preview diagnostic that leave the plan whole (`info#err` is the program's own stderr). */
const PASSING_SEVERITIES = new Set(["debug", "info", "info#err", "warning"]);

/**
 * A preview whose program or engine failed wrote only the steps it reached:
 * proving them would prove a stack without everything after the failure.
 * Pulumi says so in the digest: an `error` diagnostic, `maybeCorrupt`, or a
 * `changeSummary` counting more unchanged resources than the steps hold (a
 * preview without `--show-sames` lists only what changes).
 */
function refuseFailedPreview(file: string, doc: Record<string, unknown>): void {
    const diagnostics = doc.diagnostics ?? [];
    if (!Array.isArray(diagnostics)) throw new UnreadableInputError(`${file}: diagnostics is not a list`);
    for (const [i, d] of (diagnostics as unknown[]).entries()) {
        const severity = isRecord(d) ? d.severity : undefined;
        if (typeof severity === "string" && PASSING_SEVERITIES.has(severity)) continue;
        const on = isRecord(d) && typeof d.urn === "string" && d.urn !== "" ? ` on ${d.urn}` : "";
        const message = isRecord(d) && d.message !== undefined ? asText(d.message).trim() : "(no message)";
        throw new UnreadableInputError(`${file}: the stack failed to plan (diagnostic ${i}, severity ${JSON.stringify(severity)}${on}): ${clipped(message)}; the preview's steps are only what it planned before it failed`);
    }
    if (doc.maybeCorrupt === true) throw new UnreadableInputError(`${file}: the preview says resources may be corrupt (maybeCorrupt): what AWS holds is not known`);
    const summary = isRecord(doc.changeSummary) ? doc.changeSummary : {};
    const same = summary.same;
    if (typeof same === "number") {
        // A refresh's unchanged resources are written as `refresh` steps but counted as `same`.
        const listed = (doc.steps as unknown[]).filter((s) => isRecord(s) && (s.op === "same" || s.op === "refresh")).length;
        if (listed < same) {
            throw new UnreadableInputError(`${file}: the preview counts ${same} unchanged resources but lists ${listed}: run pulumi preview with --show-sames, or the resources the change keeps are not in the file`);
        }
    }
}

interface PreviewStep {
    op: string;
    urn: string;
    newState?: Record<string, unknown>;
    oldState?: Record<string, unknown>;
}

/**
 * One step as the engine writes it (`display.PreviewStep`): an `op` of the
 * engine's, the URN as text, each state an object of that URN. Anything else
 * is not a file Pulumi wrote, and guessing at it could drop a resource.
 */
function readStep(file: string, step: unknown, i: number): PreviewStep {
    if (!isRecord(step)) throw new UnreadableInputError(`${file}: step ${i} is not an object`);
    const { op, urn } = step;
    if (typeof op !== "string" || !STEP_OPS.has(op)) throw new UnreadableInputError(`${file}: step ${i} has op ${asText(op)}, which is not a step Pulumi writes: what it leaves in AWS cannot be read`);
    if (typeof urn !== "string") throw new UnreadableInputError(`${file}: step ${i} (${op}) has a urn that is not text: ${asText(urn)}`);
    if (step.provider !== undefined && step.provider !== null && typeof step.provider !== "string") {
        throw new UnreadableInputError(`${file}: step ${i} (${op} of ${urn}) has a provider reference that is not text: ${asText(step.provider)}`);
    }
    const state = (name: "newState" | "oldState"): Record<string, unknown> | undefined => {
        const value = step[name];
        if (value === undefined || value === null) return undefined;
        if (!isRecord(value)) throw new UnreadableInputError(`${file}: step ${i} (${op} of ${urn}) has a ${name} that is not an object (${kindOf(value)})`);
        if (value.urn !== urn) {
            throw new UnreadableInputError(`${file}: step ${i} (${JSON.stringify(op)} of ${JSON.stringify(urn)}) holds the ${name === "newState" ? "new" : "old"} state of another resource, ${asText(value.urn)}: no preview Pulumi writes does`);
        }
        return value;
    };
    return { op, urn, newState: state("newState"), oldState: state("oldState") };
}

/**
 * Whether a step that deletes a resource leaves it in AWS. The engine skips
 * the provider's delete of a resource with `retainOnDelete`, and of one whose
 * `deletedWith` names a resource the same update deletes (trusting that
 * deletion to take this one along, which AWS need not do: deleting a log
 * group leaves the invocation-logging configuration that names it); it
 * refuses to delete a `protect`ed one. A `deletedWith` target the file does
 * not show staying is taken as deleted. A discard never deletes: the engine
 * writes it for a resource read with `.get()`, which stays someone else's,
 * and a file that writes it for any other leaves that one in AWS too.
 */
function keptOnDelete(op: string, old: Record<string, unknown>, staying: ReadonlySet<string>, leaving: ReadonlySet<string>, where: string): boolean {
    // Read before anything is decided from it: a flag of another shape would read as unset, and the resource as gone.
    refuseMisshapen(where, old);
    if (DISCARD_OPS.has(op)) return true;
    // The engine removes only a resource already deleted ahead of its replacement; any other is still in AWS.
    if (op === "remove-pending-replace") return old.pendingReplacement !== true;
    if (op !== "delete" && op !== "delete-replaced") return false;
    if (old.retainOnDelete === true) return true;
    if (providerKeeps(old, where)) return true;
    if (op === "delete" && old.protect === true) return true;
    const target = old.deletedWith;
    return typeof target === "string" && target !== "" && (leaving.has(target) || !staying.has(target));
}

/**
 * Whether the provider leaves the resource in AWS when Pulumi deletes it:
 * `skipDestroy` (a function, a log group, a public access block, a layer
 * version and other types of pulumi-aws) only drops it from the state, as
 * `retainOnDelete` does for any resource.
 */
function providerKeeps(old: Record<string, unknown>, where: string): boolean {
    return [old.inputs, old.outputs].some((side) => {
        if (!isRecord(side)) return false;
        // Decoded as every property is (a secret, an output value); one not known yet may be true, so the resource is proved.
        const skip = decodeSecrets(side.skipDestroy, `${where} skipDestroy`);
        return !(skip === undefined || skip === null || skip === false || skip === "false" || skip === "");
    });
}

/** A preview's `config`: the engine writes each key's value as text (`"aws:region": "us-east-1"`, objects as JSON text). */
function readConfig(file: string, config: unknown): Record<string, unknown> | undefined {
    if (config === undefined || config === null) return undefined;
    if (!isRecord(config)) throw new UnreadableInputError(`${file}: config is not an object (${kindOf(config)}): no preview Pulumi writes has one`);
    for (const [key, value] of Object.entries(config)) {
        if (typeof value !== "string") throw new UnreadableInputError(`${file}: config ${JSON.stringify(key)} is not text (${kindOf(value)}): a preview writes every configuration value as text`);
    }
    return config;
}

/** What a recorded value is, for an error line: its JSON kind, never its content. */
function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "an object";
    return typeof value === "string" ? "text" : `a ${typeof value}`;
}

/** A message as it goes into an error line: at most 2,000 characters. */
function clipped(text: string): string {
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** What reading one file's resources keeps from one resource to the next. */
interface ReadContext {
    plaintexts: Plaintexts;
    /** The objects and lists among the resources' properties that hold no JSON text of an object. */
    textFree: object[];
    /** Each resource type of the file, as one string (see {@link sharedType}). */
    types: Map<string, string>;
    format: StackState["format"];
}

function readResource(file: string, raw: unknown, index: number, { plaintexts, textFree, types, format }: ReadContext): StackResource {
    const where = `${file}: resource ${index}`;
    if (!isRecord(raw) || typeof raw.urn !== "string" || typeof raw.type !== "string") {
        throw new UnreadableInputError(`${where} has no urn and type`);
    }
    const urn = raw.urn;
    // `STACK::PROJECT::TYPE::NAME`, split as `split("::")` would, without building the parts of every URN.
    const second = urn.indexOf("::");
    const third = second === -1 ? -1 : urn.indexOf("::", second + 2);
    const fourth = third === -1 ? -1 : urn.indexOf("::", third + 2);
    if (!urn.startsWith("urn:pulumi:") || fourth === -1) {
        throw new UnreadableInputError(`${where} has a malformed urn ${JSON.stringify(urn)}`);
    }
    // The engine writes the type into the URN (after the parents' types, `$`-joined): the proof goes by `type`.
    const typePath = urn.slice(third + 2, fourth);
    const urnType = typePath.slice(typePath.lastIndexOf("$") + 1);
    if (urnType !== raw.type) {
        throw new UnreadableInputError(`${where} (${urn}) has type ${JSON.stringify(raw.type)}, but its URN says ${JSON.stringify(urnType)}: no file Pulumi writes does, and the file does not say which it is`);
    }
    if (raw.provider !== undefined && raw.provider !== null && typeof raw.provider !== "string") {
        throw new UnreadableInputError(`${where} (${urn}) has a provider reference that is not text: ${asText(raw.provider)}`);
    }
    refuseMisshapen(`${where} (${urn})`, raw);
    plaintexts.nearby.length = 0;
    sawUnknownOutput = false;
    const inputs = properties(`${where} (${urn})`, "inputs", decodeOnce(raw.inputs ?? {}, () => `${where} (${urn}) inputs`, plaintexts, textFree));
    const outputs = properties(`${where} (${urn})`, "outputs", decodeOnce(raw.outputs ?? {}, () => `${where} (${urn}) outputs`, plaintexts, textFree));
    if (sawUnknownOutput && format === "stack-export") {
        // A preview's unknowns are judged by the unknowns check; an export records what AWS holds, which is never still unknown.
        throw new UnreadableInputError(`${where} (${urn}) holds an output value with no value (not known yet): a stack export records what AWS holds, never a value still to be decided; export the stack after the update`);
    }
    return {
        urn,
        type: sharedType(types, raw.type),
        name: urn.slice(fourth + 2),
        custom: raw.custom === true,
        id: typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined,
        parent: typeof raw.parent === "string" ? raw.parent : undefined,
        inputs,
        outputs,
        pendingDelete: raw.delete === true ? true : undefined,
        pendingReplacement: raw.pendingReplacement === true ? true : undefined,
        provider: typeof raw.provider === "string" && raw.provider !== "" ? raw.provider : undefined,
        external: raw.external === true,
    };
}

/**
 * The type as one string for every resource of the file, held as a property
 * name is: every check compares types and looks them up in tables, and one
 * shared string compares and looks up faster than thousands of copies of it.
 */
function sharedType(types: Map<string, string>, type: string): string {
    let shared = types.get(type);
    if (shared === undefined) {
        shared = Object.keys({ [type]: 0 })[0];
        types.set(type, shared);
    }
    return shared;
}

/** Fields of a ResourceV3 the engine writes as `true`/`false`: `"custom": "true"` read as false would prove a custom resource as a component. */
const BOOLEAN_FIELDS = ["custom", "delete", "external", "protect", "pendingReplacement", "retainOnDelete"];
/** Fields the engine writes as text: an id, a parent's URN, the resource that deletes this one. */
const TEXT_FIELDS = ["id", "parent", "deletedWith"];

/**
 * Every field the proof relies on must have the shape the engine writes
 * (`apitype.ResourceV3`): a value of another shape would otherwise be read
 * as absent, or as empty (`inputs` recorded as a list held no property the
 * checks could find), proving a resource other than the one in the file.
 */
function refuseMisshapen(where: string, raw: Record<string, unknown>): void {
    const refuse = (field: string, wanted: string, value: unknown) => {
        throw new UnreadableInputError(`${where}: ${field} is ${kindOf(value)}, not ${wanted}: no file Pulumi writes has one`);
    };
    const present = (value: unknown) => value !== undefined && value !== null;
    for (const field of ["inputs", "outputs"]) if (present(raw[field]) && !isRecord(raw[field])) refuse(field, "an object of properties", raw[field]);
    for (const field of BOOLEAN_FIELDS) if (present(raw[field]) && typeof raw[field] !== "boolean") refuse(field, "true or false", raw[field]);
    for (const field of TEXT_FIELDS) if (present(raw[field]) && typeof raw[field] !== "string") refuse(field, "text", raw[field]);
    if (typeof raw.parent === "string" && raw.parent !== "" && !isUrn(raw.parent)) refuse("parent", "a URN", raw.parent);
    const urnList = (value: unknown) => Array.isArray(value) && value.every(isUrn);
    if (present(raw.dependencies) && !urnList(raw.dependencies)) refuse("dependencies", "a list of URNs", raw.dependencies);
    const byProperty = raw.propertyDependencies;
    if (present(byProperty) && !(isRecord(byProperty) && Object.values(byProperty).every((v) => v === null || urnList(v)))) refuse("propertyDependencies", "an object of URN lists", byProperty);
}

/**
 * A resource's inputs or outputs once decoded: an object of properties. The
 * whole field held as a secret or an output value decodes to whatever it
 * wraps (null, text, a list), which every check would read as properties.
 */
function properties(where: string, field: string, decoded: unknown): Record<string, unknown> {
    if (isRecord(decoded)) return decoded;
    throw new UnreadableInputError(`${where}: ${field} is a secret or an output value holding ${kindOf(decoded)}, not an object of properties: no file Pulumi writes has one`);
}

function readPendingOperations(file: string, raw: unknown): PendingOperation[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new UnreadableInputError(`${file}: deployment.pending_operations is not a list`);
    return (raw as unknown[]).map((op, i) => {
        const resource = isRecord(op) ? op.resource : undefined;
        if (!isRecord(op) || !isRecord(resource) || typeof resource.urn !== "string") throw new UnreadableInputError(`${file}: pending operation ${i} names no resource`);
        return { type: textOf(op.type), urn: resource.urn, resourceType: textOf(resource.type) };
    });
}

/**
 * How deep a resource's values may nest, a secret's plaintext counted in. A
 * plan Pulumi writes nests a dozen levels or so; the proof's walkers recurse,
 * and input nested without bound would exhaust the stack instead of being
 * refused. Reading every value (decodeSecrets) enforces it at no cost of its
 * own; JSON held in other text is guarded where it is walked
 * ({@link deepInputError}).
 */
export const MAX_NESTING = 256;

/** A URN as Pulumi writes every one (`parent`, `dependencies`, an output value's dependencies). */
function isUrn(value: unknown): boolean {
    return typeof value === "string" && value.startsWith("urn:pulumi:");
}

/**
 * A file whose values a walker could not get through (the stack ran out on
 * JSON text nested far beyond any plan), as unreadable input naming the
 * file; any other error unchanged.
 */
export function deepInputError(err: unknown, file: string): unknown {
    const overflow = err instanceof RangeError && err.message.includes("call stack");
    return overflow ? new UnreadableInputError(`${file}: values nest deeper than the proof can walk (JSON held in text counted in); no plan Pulumi writes does`, { cause: err }) : err;
}

/** A name as text: a string as it is, anything else as its JSON, never "[object Object]". */
function textOf(value: unknown): string {
    return value === undefined || value === null ? "(unknown)" : asText(value);
}

/** Any recorded value as text: a string as it is, anything else as its JSON (`undefined` as such). */
export function asText(value: unknown): string {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
}

/**
 * Unset as AWS and the provider record a field nobody set: absent, `null`,
 * `""`, `false`, `0`, `[]`, or an object of nothing but such values (a VPC
 * configuration without subnets). For fields a component never sets, which
 * a deployed stack's export still lists with these values.
 */
export function isRecordedUnset(value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false || value === 0) return true;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === "object" && Object.values(value).every(isRecordedUnset);
}

/**
 * The settings of `r` outside `known`, each as recorded: those a deployed
 * stack records as set (see {@link isRecordedUnset}), for the checks that
 * hold a resource to the settings its component makes.
 */
export function settingsOutside(r: StackResource, known: ReadonlySet<string>): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const key of new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)])) {
        if (known.has(key)) continue;
        const value = prop(r, key);
        if (!isRecordedUnset(value)) out.push([key, value]);
    }
    return out;
}

/**
 * Whether the resource outlasts the update as a resource of the stack: not
 * read with `.get()`, not a copy being deleted (or deleted ahead of its
 * replacement), not retained on delete. What such a one holds does not last.
 */
export const staysInStack = (r: StackResource): boolean => !r.external && !r.pendingDelete && !r.pendingReplacement && !r.retained;

/** Whether a property is set: Pulumi records an unset one as absent, `null`, `""` or `[]`. */
export const isSet = (value: unknown) => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/**
 * Any recorded value as a number: a number as it is, text as the number it
 * spells (the provider records some numbers as text), anything else NaN. An
 * object is never converted: `{"valueOf": …}` would throw, and `["5"]` would
 * read as 5.
 */
export function asNumber(value: unknown): number {
    return typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
}

/** `urn:pulumi:STACK::PROJECT::TYPE::NAME` → STACK. */
export function stackOfUrn(urn: string): string {
    const start = "urn:pulumi:".length;
    const end = urn.indexOf("::", start);
    return end === -1 ? urn.slice(start) : urn.slice(start, end);
}

/**
 * Replaces every decrypted secret by its value; an encrypted one is
 * unreadable. Values without secrets are returned as they are, not copied:
 * a large plan is mostly such values.
 */
export function decodeSecrets(value: unknown, where: string | (() => string)): unknown {
    return decodeOnce(value, where, undefined, undefined);
}

/**
 * {@link decodeSecrets}, each plaintext of `plaintexts` decoded once. With
 * `textFree`, `value` is a resource's properties: the objects and lists
 * among them that hold no JSON text of an object are added to it.
 */
function decodeOnce(value: unknown, where: string | (() => string), plaintexts: Plaintexts | undefined, textFree: object[] | undefined): unknown {
    try {
        return textFree === undefined ? decode(value, where, 0, plaintexts) : decodeProperties(value, where, plaintexts, textFree);
    } catch (err) {
        if (!(err instanceof TooDeep || err instanceof NotFinite)) throw err;
        const place = typeof where === "string" ? where : where();
        if (err instanceof NotFinite) {
            const at = pathTo(value, (v) => typeof v === "number" && !Number.isFinite(v));
            throw new UnreadableInputError(`${place}: ${at} is a number beyond the largest a double holds, which JSON.parse reads as infinity; no plan Pulumi writes holds one (a secret's plaintext counted in)`);
        }
        throw new UnreadableInputError(`${place}: ${pathTo(value, (_, depth) => depth >= MAX_NESTING)} nests values deeper than ${MAX_NESTING} levels (a secret's plaintext counted in); no plan Pulumi writes does`);
    }
}

/**
 * Secrets already decoded, by their plaintext and the depth they were
 * decoded at: an export holds a secret in a resource's inputs and again in
 * its outputs, and a stack's outputs restate its components' (a fleet's
 * whole tenant map, twice). A plaintext decodes to the same value wherever
 * it is (its depth decides only whether it nests too deep), so it is parsed
 * once. Long texts are kept for the whole file; shorter ones for the
 * resource being read, compared as text (hashing each would cost about as
 * much as parsing it).
 */
interface Plaintexts {
    long: Map<string, Decoded>;
    nearby: Decoded[];
}

interface Decoded {
    text: string;
    depth: number;
    value: unknown;
    /** Whether the value holds JSON text of an object (see object-text.ts). */
    objectText: boolean;
}

/** From this length on, V8 hashes a text by its length alone: a map keyed by such texts costs nothing of their length. */
const LONG_PLAINTEXT = 16_384;

function decodedBefore(plaintexts: Plaintexts, text: string, depth: number): Decoded | undefined {
    if (text.length >= LONG_PLAINTEXT) {
        const known = plaintexts.long.get(text);
        return known !== undefined && known.depth === depth ? known : undefined;
    }
    for (const known of plaintexts.nearby) if (known.depth === depth && known.text === text) return known;
    return undefined;
}

class TooDeep extends Error {}

/**
 * A number JSON.parse read as Infinity (`1e400`, past the largest double).
 * The engine cannot encode one (Go's encoder refuses it), and read as it is
 * it would pass for a setting larger than any AWS allows.
 */
class NotFinite extends Error {}

/** Local names of the signatures: the walk below reads them for every value of a plan. */
const SIGNATURE_KEY = SIG_KEY;
const SECRET = SECRET_SIG;
const OUTPUT_VALUE = OUTPUT_VALUE_SIG;

/** Whether an output value not known yet was decoded since it was last cleared: a stack export cannot hold one. */
let sawUnknownOutput = false;

/** Whether the values decoded since it was last cleared hold JSON text of an object (see object-text.ts). */
let sawObjectText = false;

/** {@link decode} of a resource's properties (depth 0), noting which of them hold no object text. */
function decodeProperties(value: unknown, where: string | (() => string), plaintexts: Plaintexts | undefined, textFree: object[]): unknown {
    // Anything but an ordinary object of properties decodes as a whole, unnoted.
    if (value === null || typeof value !== "object" || Array.isArray(value) || SIGNATURE_KEY in value) return decode(value, where, 0, plaintexts);
    const node = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k in node) {
        const item = node[k];
        if (item === null || typeof item !== "object") {
            if (typeof item === "number" && !Number.isFinite(item)) throw new NotFinite();
            continue;
        }
        sawObjectText = false;
        const v = decode(item, where, 1, plaintexts);
        if (!sawObjectText && typeof v === "object" && v !== null) textFree.push(v);
        if (v !== item) (out ??= { ...node })[k] = v;
    }
    return out ?? node;
}

function decode(value: unknown, where: string | (() => string), depth: number, plaintexts: Plaintexts | undefined): unknown {
    if (value === null || typeof value !== "object") {
        if (typeof value === "number" && !Number.isFinite(value)) throw new NotFinite();
        return value;
    }
    if (depth >= MAX_NESTING) throw new TooDeep();
    if (Array.isArray(value)) {
        let out: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i];
            // Text, numbers and flags decode to themselves: most of a plan's values.
            if (typeof item === "string") {
                if (!sawObjectText && mayBeObjectText(item)) sawObjectText = true;
                continue;
            }
            if (item === null || typeof item !== "object") {
                if (typeof item === "number" && !Number.isFinite(item)) throw new NotFinite();
                continue;
            }
            const v = decode(item, where, depth + 1, plaintexts);
            if (v !== item) (out ??= value.slice())[i] = v;
        }
        return out ?? value;
    }
    const node = value as Record<string, unknown>;
    if (SIGNATURE_KEY in node) {
        const sig = node[SIGNATURE_KEY];
        if (sig === SECRET) return decodeSecret(node, where, depth, plaintexts);
        if (sig === OUTPUT_VALUE) return decodeOutputValue(node, where, depth, plaintexts);
        if (!(typeof sig === "string" && OTHER_SIGNATURES.has(sig))) {
            // The engine refuses a special value of a signature it does not know; read as an ordinary object it could hide what it stands for.
            throw new UnreadableInputError(`${typeof where === "string" ? where : where()} holds a special value of signature ${asText(sig)}, which Pulumi does not write`);
        }
    }
    let out: Record<string, unknown> | undefined;
    for (const k in node) {
        const item = node[k];
        if (typeof item === "string") {
            if (!sawObjectText && mayBeObjectText(item)) sawObjectText = true;
            continue;
        }
        if (item === null || typeof item !== "object") {
            if (typeof item === "number" && !Number.isFinite(item)) throw new NotFinite();
            continue;
        }
        const v = decode(item, where, depth + 1, plaintexts);
        if (v !== item) (out ??= { ...node })[k] = v;
    }
    return out ?? node;
}

function decodeSecret(node: Record<string, unknown>, where: string | (() => string), depth: number, plaintexts: Plaintexts | undefined): unknown {
    const place = () => (typeof where === "string" ? where : where());
    if ("plaintext" in node && typeof node.plaintext !== "string") throw new UnreadableInputError(`${place()} holds a secret whose plaintext is ${kindOf(node.plaintext)}, not JSON text`);
    if (typeof node.plaintext === "string") {
        const text = node.plaintext;
        const known = plaintexts === undefined ? undefined : decodedBefore(plaintexts, text, depth);
        if (known !== undefined) {
            if (known.objectText) sawObjectText = true;
            return known.value;
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (err) {
            throw new UnreadableInputError(`${place()}: a secret's plaintext is not JSON`, { cause: err });
        }
        const outer = sawObjectText;
        sawObjectText = false;
        const decoded = decodedText(decode(parsed, where, depth + 1, plaintexts));
        if (plaintexts !== undefined) {
            const entry: Decoded = { text, depth, value: decoded, objectText: sawObjectText };
            if (text.length >= LONG_PLAINTEXT) plaintexts.long.set(text, entry);
            else plaintexts.nearby.push(entry);
        }
        sawObjectText ||= outer;
        return decoded;
    }
    if ("ciphertext" in node) {
        throw new UnreadableInputError(`${place()} holds an encrypted secret: export with --show-secrets (pulumi stack export --show-secrets, pulumi preview --json --show-sames --show-secrets)`);
    }
    // The in-memory wire form `{ sig, value }`, as the Pulumi SDK serializes it.
    if ("value" in node) return decodedText(decode(node.value, where, depth + 1, plaintexts));
    throw new UnreadableInputError(`${place()} holds a secret with neither plaintext nor ciphertext`);
}

/**
 * An output value as the value it wraps, its secrets decoded; one without a
 * value is not known yet and reads as the preview's marker for that, which
 * no check takes as harmless. Flags of another shape are not a value Pulumi
 * writes, and nothing read from it could be trusted.
 */
function decodeOutputValue(node: Record<string, unknown>, where: string | (() => string), depth: number, plaintexts: Plaintexts | undefined): unknown {
    const place = () => (typeof where === "string" ? where : where());
    if (node.secret !== undefined && typeof node.secret !== "boolean") throw new UnreadableInputError(`${place()} holds an output value whose secret flag is ${kindOf(node.secret)}, not true or false`);
    if (node.dependencies !== undefined && !(Array.isArray(node.dependencies) && node.dependencies.every(isUrn))) {
        throw new UnreadableInputError(`${place()} holds an output value whose dependencies are not a list of URNs`);
    }
    if (node.value === undefined) {
        sawUnknownOutput = true;
        return UNKNOWN_VALUE;
    }
    return decodedText(decode(node.value, where, depth + 1, plaintexts));
}

/** A secret's value as decoded, noted when it is itself JSON text of an object (the walk notes only text inside objects and lists). */
function decodedText(value: unknown): unknown {
    if (typeof value === "string" && mayBeObjectText(value)) sawObjectText = true;
    return value;
}

/**
 * Where in `root` a value `found` picks is (its first keys), found without
 * recursion once decoding has stopped there: a value nested deeper than
 * MAX_NESTING, or a number no plan holds.
 */
function pathTo(root: unknown, found: (value: unknown, depth: number) => boolean): string {
    interface Step { value: unknown; depth: number; key: string; up?: Step }
    const pending: Step[] = [{ value: root, depth: 0, key: "" }];
    while (pending.length > 0) {
        const step = pending.pop()!;
        if (found(step.value, step.depth)) {
            const keys: string[] = [];
            for (let at: Step | undefined = step; at; at = at.up) keys.push(at.key);
            keys.reverse();
            return `${keys.slice(0, 8).join("").replace(/^\./, "")}${keys.length > 8 ? "…" : ""}`;
        }
        const { value } = step;
        if (value === null || typeof value !== "object") continue;
        const next = (v: unknown, key: string) => pending.push({ value: v, depth: step.depth + 1, key, up: step });
        if (Array.isArray(value)) value.forEach((v, i) => next(v, `[${i}]`));
        else {
            const node = value as Record<string, unknown>;
            const plaintext = node[SIG_KEY] === SECRET_SIG && typeof node.plaintext === "string" ? jsonValue(node.plaintext) : undefined;
            if (plaintext !== undefined) next(plaintext, ".plaintext");
            else for (const k in node) next(node[k], `.${k}`);
        }
    }
    return "(a value)";
}

/**
 * A value recorded as JSON text (policies and configurations often are),
 * parsed; a value that is not text passes through, and text that is not
 * JSON gives undefined.
 */
export function jsonValue(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/**
 * Keys the proof has read, over every resource: what a resource's `outputs`
 * must agree with its `inputs` on for one view of the stack to stand for both.
 */
export const READ_KEYS = new Set<string>();

/** A property as recorded: the input, falling back to the output (a preview may hold only one of them). */
export function prop(r: StackResource, name: string): unknown {
    READ_KEYS.add(name);
    return r.inputs[name] ?? r.outputs[name];
}

/** A text value the file knows: not unset, not empty, not the preview's unknown marker. */
export function knownText(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" && value !== UNKNOWN_VALUE ? value : undefined;
}

/**
 * A property as text: a string as it is; any other recorded value as its
 * JSON, so that two different values never read as the same text
 * ("[object Object]"); nothing when the property is absent.
 */
export function textProp(r: StackResource, name: string): string | undefined {
    const value = prop(r, name);
    return value === undefined || value === null ? undefined : asText(value);
}

/**
 * A report this package writes, named as one: a glob such as `plan/*.json`
 * takes the isolation report `npm start` and `verify` write beside the plans.
 */
function reportHint(doc: unknown): string {
    const schema = isRecord(doc) ? doc.schema : undefined;
    if (typeof schema !== "string" || !schema.startsWith("bedrock-tenancy/")) return "";
    return `: it is a report bedrock-tenancy wrote (schema ${JSON.stringify(schema)}), not a plan; leave it out of the files (a glob such as plan/*.json takes the isolation report written beside the plans)`;
}
