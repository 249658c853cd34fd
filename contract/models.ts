import { ArgumentError, show } from "./validation";

/**
 * Bedrock model and inference-profile ids, their ARNs, and where a system
 * cross-Region profile may route a request. Pure functions, no Pulumi.
 */

/**
 * A foundation model id: `provider.model`, e.g.
 * `anthropic.claude-3-haiku-20240307-v1:0`. Bedrock model ids are lowercase
 * provider names, then letters, digits, `.`, `:`, `_` and `-`.
 */
export const FOUNDATION_MODEL_ID_PATTERN = /^[a-z0-9-]{2,32}\.[a-z0-9][a-z0-9.:_-]{0,127}$/;

/**
 * Destination Regions of the geographic system cross-Region profiles, by id
 * prefix. AWS sets the list per model and widens it over time, so these are
 * the Regions that the profiles of the Claude 3 / 3.5 generation route to:
 * - `us`: checked against the AWS CDK (`CrossRegionInferenceProfileRegion.US`)
 *   and the Bedrock user guide for `us.anthropic.claude-3-5-haiku-20241022-v1:0`.
 * - `eu`, `apac`: taken from the AWS generative-AI CDK constructs; newer models
 *   route to more Regions (unverified per model).
 * A profile that routes somewhere not listed fails with AccessDenied rather
 * than reaching an unlisted Region; set `crossRegionDestinations` for it.
 * Prefixes with no entry here (`global`, `jp`, `au`, `ca`, `us-gov`) need an
 * explicit list: AWS publishes their destinations per model, and no list for
 * them has been checked against AWS's own sources, so a guessed default could
 * grant a Region the tenant never chose. Preview refuses such a profile and
 * names `crossRegionDestinations[<id>]`.
 */
export const DEFAULT_CROSS_REGION_DESTINATIONS: Readonly<Record<string, readonly string[]>> = {
    us: ["us-east-1", "us-east-2", "us-west-2"],
    eu: ["eu-central-1", "eu-west-1", "eu-west-3"],
    apac: ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"],
};

/** Id prefixes of system cross-Region profiles (`us.anthropic…`). */
export const CROSS_REGION_PREFIXES: readonly string[] = ["us", "eu", "apac", "us-gov", "jp", "au", "ca", "global"];

/**
 * The geography prefix of a system cross-Region profile id (`us.` in
 * `us.anthropic…`): one of {@link CROSS_REGION_PREFIXES}, written out as a
 * literal (tests/contract/identifiers.test.ts keeps the two in step).
 */
export const CROSS_REGION_PROFILE_PREFIX = /^(?:us|eu|apac|us-gov|jp|au|ca|global)\./;

export interface FoundationModelRef {
    kind: "foundation-model";
    /** The id as given. */
    id: string;
    foundationModelId: string;
}

export interface SystemProfileRef {
    kind: "system-profile";
    /** The id as given, e.g. `us.anthropic.claude-3-5-haiku-20241022-v1:0`. */
    id: string;
    /** Geography prefix, e.g. `us`. */
    prefix: string;
    /** The model the profile routes to, without the prefix. */
    foundationModelId: string;
}

export type ModelRef = FoundationModelRef | SystemProfileRef;

/**
 * Parses a model or system profile id; throws a `TypeError` naming `argName`
 * and the value when it is neither.
 */
export function parseModelId(id: unknown, argName: string): ModelRef {
    if (typeof id !== "string") {
        throw new ArgumentError(`${argName} must be a Bedrock model or inference profile id, got ${show(id)}`);
    }
    const dot = id.indexOf(".");
    const prefix = dot > 0 ? id.slice(0, dot) : "";
    if (CROSS_REGION_PREFIXES.includes(prefix)) {
        const foundationModelId = id.slice(dot + 1);
        if (!FOUNDATION_MODEL_ID_PATTERN.test(foundationModelId)) {
            throw new ArgumentError(
                `${argName} must be "<geography>.<foundation model id>" with the model id matching ${FOUNDATION_MODEL_ID_PATTERN}, got ${show(id)}`,
            );
        }
        return { kind: "system-profile", id, prefix, foundationModelId };
    }
    if (!FOUNDATION_MODEL_ID_PATTERN.test(id)) {
        throw new ArgumentError(`${argName} must be a foundation model id matching ${FOUNDATION_MODEL_ID_PATTERN} or a cross-Region profile id, got ${show(id)}`);
    }
    return { kind: "foundation-model", id, foundationModelId: id };
}

/**
 * Destination Regions of a system profile: the override for its id when given,
 * else the default for its prefix. Throws naming `argName` when neither exists.
 */
export function destinationRegions(
    ref: SystemProfileRef,
    overrides: Readonly<Record<string, readonly string[]>>,
    argName: string,
): string[] {
    const regions = overrides[ref.id] ?? DEFAULT_CROSS_REGION_DESTINATIONS[ref.prefix];
    if (!regions) {
        throw new ArgumentError(
            `${argName}: the destination Regions of ${show(ref.id)} are not known for prefix "${ref.prefix}"; list them in crossRegionDestinations[${show(ref.id)}]`,
        );
    }
    return [...regions];
}
