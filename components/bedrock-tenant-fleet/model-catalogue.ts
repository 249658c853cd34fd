import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ArgumentError, parseModelId, show } from "../../contract";
import type { ModelCatalogueMode } from "./args";
import { KNOWN_MODEL_IDS } from "./known-models";
import { inputError } from "../input-error";

/** Levenshtein distance; ids are short (≤ 128 characters), so the quadratic table is cheap. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The known id closest to `id` (ties: the first in table order). */
export function nearestKnownModelId(id: string, known: Iterable<string> = KNOWN_MODEL_IDS): string {
    let best = "";
    let bestDistance = Infinity;
    for (const candidate of known) {
        const d = editDistance(id, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

/**
 * The offline verdict on one id: a problem naming the nearest known id, or
 * `undefined` when the shipped table knows it or the caller allows it
 * (`allowUnlistedModels`, for ids newer than the table).
 */
export function offlineModelProblem(argName: string, id: string, allowed: ReadonlySet<string> = new Set()): string | undefined {
    if (KNOWN_MODEL_IDS.has(id) || allowed.has(id)) return undefined;
    return `${argName} ${show(id)} is not in the shipped table of known Bedrock model and profile ids; did you mean ${show(nearestKnownModelId(id))}? ` +
        `If the id is newer than the table, list it in allowUnlistedModels`;
}

/** Each distinct `Region|id` of a fleet, named by the first entry that lists it (`tenants[i].models[j]`). */
export function distinctModels(members: readonly { args: { region?: string; models: readonly string[] } }[]): Map<string, string> {
    const seen = new Map<string, string>();
    members.forEach(({ args }, i) => args.models.forEach((id, j) => {
        const key = `${args.region}|${id}`;
        if (!seen.has(key)) seen.set(key, `tenants[${i}].models[${j}]`);
    }));
    return seen;
}

/** Throws one `ArgumentError` for every id of `seen` the shipped table does not know and `allowed` does not list. */
export function checkModelsOffline(seen: ReadonlyMap<string, string>, allowed: ReadonlySet<string>): void {
    const problems = [...seen].map(([key, argName]) => offlineModelProblem(argName, key.split("|")[1], allowed)).filter((p) => p !== undefined);
    if (problems.length > 0) throw new ArgumentError([...new Set(problems)].join("; "));
}

/** Whether the program runs under `pulumi.runtime.setMocks`, where no provider answers data-source calls. */
export function runningUnderMocks(): boolean {
    return pulumi.runtime.getMonitor() instanceof MockMonitor;
}

/** `auto` resolved for the current run. */
export function resolveCatalogueMode(mode: ModelCatalogueMode): Exclude<ModelCatalogueMode, "auto"> {
    return mode === "auto" ? (runningUnderMocks() ? "offline" : "provider") : mode;
}

// One lookup per distinct id and Region per stack. Keyed by the engine connection, so a
// new mock engine (each test suite) or a new stack run starts with an empty cache.
const lookups = new WeakMap<object, Map<string, Promise<string>>>();

/**
 * Asks the AWS provider whether `id` exists in `region`: a foundation model
 * through `aws.bedrockfoundation.getModel`, a system profile through
 * `aws.bedrock.getInferenceProfile`. Resolves to the id; rejects with a
 * message naming the argument and the id.
 */
export function providerModelLookup(argName: string, id: string, region: string, parent: pulumi.Resource): Promise<string> {
    const monitor = pulumi.runtime.getMonitor() ?? lookups;
    let cache = lookups.get(monitor);
    if (!cache) {
        cache = new Map();
        lookups.set(monitor, cache);
    }
    const key = `${pulumi.getProject()}/${pulumi.getStack()}|${region}|${id}`;
    let lookup = cache.get(key);
    if (!lookup) {
        const ref = parseModelId(id, argName);
        const call: Promise<unknown> = ref.kind === "foundation-model"
            ? aws.bedrockfoundation.getModel({ modelId: id, region }, { parent })
            : aws.bedrock.getInferenceProfile({ inferenceProfileId: id, region }, { parent });
        const what = ref.kind === "foundation-model" ? "foundation model" : "inference profile";
        lookup = call.then(
            () => id,
            (err: unknown) => {
                const detail = err instanceof Error ? err.message : String(err);
                // A known id is no typo: the provider could not confirm it (not offered in the Region, no access, no answer).
                const hint = KNOWN_MODEL_IDS.has(id)
                    ? `the id is a known Bedrock id, so check that it is offered in ${region} and that the provider can read the catalogue there`
                    : `did you mean ${show(nearestKnownModelId(id))}?`;
                throw inputError(`${argName}: Bedrock has no ${what} ${show(id)} in ${region}${detail ? ` (${detail})` : ""}; ${hint}`, parent);
            },
        );
        cache.set(key, lookup);
    }
    return lookup;
}

/**
 * The one model check of a tenant and of a fleet: each distinct `Region|id`
 * of `seen` (named by the argument that lists it) against the shipped table
 * (offline: an `ArgumentError` at once for an id it does not know and
 * `allowed` does not list) or by asking the provider (a real run: the
 * returned Output fails the preview naming every unknown id). Resolves to the
 * ids the provider confirmed; empty offline or `off`.
 */
export function checkModelCatalogue(seen: ReadonlyMap<string, string>, mode: ModelCatalogueMode, allowed: ReadonlySet<string>, parent: pulumi.Resource): pulumi.Output<string[]> {
    const resolved = resolveCatalogueMode(mode);
    if (resolved === "off") return pulumi.output([]);
    if (resolved === "offline") {
        checkModelsOffline(seen, allowed);
        return pulumi.output([]);
    }
    const ids = [...seen.keys()].map((key) => key.split("|")[1]);
    const lookups = [...seen].map(([key, argName]) => {
        const [region, id] = key.split("|");
        return providerModelLookup(argName, id, region, parent);
    });
    // Every answer before any verdict, so that an unknown id, not a known one the provider could not confirm, is named first.
    return pulumi.output(Promise.allSettled(lookups).then((results) => {
        const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ known: KNOWN_MODEL_IDS.has(ids[i]), error: r.reason as Error }] : []));
        if (failures.length > 0) {
            failures.sort((a, b) => Number(a.known) - Number(b.known));
            throw inputError(failures.map((f) => f.error.message).join("; "), parent);
        }
        return [...new Set(results.map((r) => (r as PromiseFulfilledResult<string>).value))];
    }));
}
