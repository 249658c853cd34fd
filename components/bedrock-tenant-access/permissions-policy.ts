import type * as aws from "@pulumi/aws";
import { ArgumentError, foundationModelArn, systemProfileArn, type ModelRef } from "../../contract";

/**
 * Converse is authorized as InvokeModel and ConverseStream as
 * InvokeModelWithResponseStream; there is no `bedrock:Converse` action.
 */
export const INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

/** One allowed model, with the destination Regions when it is a system cross-Region profile. */
export interface AllowedModel {
    ref: ModelRef;
    /** Destination Regions; only for system profiles. */
    destinations?: string[];
}

export interface PermissionsPolicyInput {
    /** Home Region (where application profiles live). */
    region: string;
    /** Regions the role may invoke in, including every destination Region. */
    regions: string[];
    /** The ops account, owner of system profile ARNs. */
    account: string;
    models: AllowedModel[];
    /** Application inference profile ARN per model id (absent models have none). */
    applicationProfiles: Record<string, string>;
    /** `GUARDRAIL_ARN:VERSION` that every call must carry. */
    guardrailIdentifier?: string;
}

type Statement = aws.iam.PolicyStatement;

/**
 * The tenant role's permissions, only in allowed Regions and (optionally) only
 * with one guardrail. With an application profile for every model (cost
 * attribution on), the role invokes only through those profiles: see
 * {@link meteredStatements}. Without, it invokes the allowed models directly
 * and through their system cross-Region profiles.
 */
export function tenantPermissionsPolicy(input: PermissionsPolicyInput): aws.iam.PolicyDocument {
    const withProfile = input.models.filter((m) => input.applicationProfiles[m.ref.id]);
    if (withProfile.length > 0 && withProfile.length < input.models.length) {
        const missing = input.models.filter((m) => !input.applicationProfiles[m.ref.id]).map((m) => m.ref.id);
        throw new ArgumentError(`applicationProfiles must name a profile for every model once cost attribution is on; missing ${JSON.stringify(missing)}`);
    }
    const metered = withProfile.length > 0;
    const allow = (sid: string, resources: string[], extra: Record<string, string | string[]> = {}): Statement => ({
        Sid: sid,
        Effect: "Allow",
        Action: INVOKE_ACTIONS,
        Resource: resources,
        Condition: {
            StringEquals: {
                "aws:RequestedRegion": input.regions,
                ...extra,
                ...(input.guardrailIdentifier ? { "bedrock:GuardrailIdentifier": input.guardrailIdentifier } : {}),
            },
        },
    });
    const statements: Statement[] = metered ? meteredStatements(input, allow) : unmeteredStatements(input, allow);
    if (input.guardrailIdentifier) {
        statements.push({
            Sid: "DenyWithoutGuardrail",
            Effect: "Deny",
            Action: INVOKE_ACTIONS,
            Resource: "*",
            // A request that carries no guardrail has no such key; StringNotEquals
            // then matches, so the call is denied too.
            Condition: { StringNotEquals: { "bedrock:GuardrailIdentifier": input.guardrailIdentifier } },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

type Allow = (sid: string, resources: string[], extra?: Record<string, string | string[]>) => Statement;

/**
 * Metering that cannot be skipped: the tenant's application profiles are the
 * only way in. What a call through a profile must also be allowed (the source
 * model, or the system profile and its destination-Region models) is granted
 * only when `bedrock:InferenceProfileArn` is that tenant's own profile, and an
 * explicit Deny refuses every model or system profile reached any other way,
 * so a policy attached later cannot reopen the direct path either.
 */
function meteredStatements(input: PermissionsPolicyInput, allow: Allow): Statement[] {
    const own = input.models.map((m) => input.applicationProfiles[m.ref.id]);
    const statements: Statement[] = [allow("InvokeApplicationProfiles", own)];
    input.models.forEach((m, i) => {
        const resources = m.ref.kind === "foundation-model"
            ? [foundationModelArn(input.region, m.ref.foundationModelId)]
            : [...systemProfileArns(input.account, m), ...(m.destinations ?? []).map((r) => foundationModelArn(r, m.ref.foundationModelId))];
        statements.push(allow(`ReachedThroughOwnProfile${i}`, resources, { "bedrock:InferenceProfileArn": input.applicationProfiles[m.ref.id] }));
    });
    statements.push({
        Sid: "DenyOutsideOwnProfiles",
        Effect: "Deny",
        Action: INVOKE_ACTIONS,
        Resource: [foundationModelArn("*", "*"), systemProfileArn("*", "*", "*")],
        // A direct call carries no such key, and StringNotEquals then matches.
        Condition: { StringNotEquals: { "bedrock:InferenceProfileArn": own } },
    });
    return statements;
}

/** Without cost attribution: the allowed models directly and through their system profiles. */
function unmeteredStatements(input: PermissionsPolicyInput, allow: Allow): Statement[] {
    const statements: Statement[] = [];

    const direct = input.models.filter((m) => m.ref.kind === "foundation-model");
    if (direct.length > 0) {
        const arns = direct.flatMap((m) => input.regions.map((r) => foundationModelArn(r, m.ref.foundationModelId)));
        statements.push(allow("InvokeFoundationModels", arns));
    }

    const profiles = input.models.filter((m) => m.ref.kind === "system-profile");
    if (profiles.length > 0) {
        const profileArns = profiles.flatMap((m) => systemProfileArns(input.account, m));
        statements.push(allow("InvokeCrossRegionProfiles", profileArns));
    }
    // A cross-Region call also needs the model in every destination Region, but
    // only when it arrives through that model's profile (or the tenant's copy of it).
    profiles.forEach((m, i) => {
        const via = systemProfileArns(input.account, m);
        const models = (m.destinations ?? []).map((r) => foundationModelArn(r, m.ref.foundationModelId));
        statements.push(allow(`InvokeThroughProfile${i}`, models, { "bedrock:InferenceProfileArn": via }));
    });

    return statements;
}

/** A system profile is called in one of its own Regions (its destinations are also its source Regions). */
function systemProfileArns(account: string, m: AllowedModel): string[] {
    return (m.destinations ?? []).map((r) => systemProfileArn(r, account, m.ref.id));
}
