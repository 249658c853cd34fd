import type * as aws from "@pulumi/aws";
import { foundationModelArn, systemProfileArn, type ModelRef } from "../../contract";

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
 * The tenant role's permissions: invoke the allowed models directly, through
 * their system cross-Region profiles and through the tenant's application
 * profiles, only in allowed Regions, and (optionally) only with one guardrail.
 */
export function tenantPermissionsPolicy(input: PermissionsPolicyInput): aws.iam.PolicyDocument {
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
        const via = [...systemProfileArns(input.account, m)];
        const application = input.applicationProfiles[m.ref.id];
        if (application) {
            via.push(application);
        }
        const models = (m.destinations ?? []).map((r) => foundationModelArn(r, m.ref.foundationModelId));
        statements.push(allow(`InvokeThroughProfile${i}`, models, { "bedrock:InferenceProfileArn": via }));
    });

    const applicationArns = input.models.map((m) => input.applicationProfiles[m.ref.id]).filter((a): a is string => !!a);
    if (applicationArns.length > 0) {
        statements.push(allow("InvokeApplicationProfiles", applicationArns));
    }

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

/** A system profile is called in one of its own Regions (its destinations are also its source Regions). */
function systemProfileArns(account: string, m: AllowedModel): string[] {
    return (m.destinations ?? []).map((r) => systemProfileArn(r, account, m.ref.id));
}
