/**
 * The resources one Bedrock invocation is authorized against, as AWS
 * documents it: an application inference profile and everything its source
 * needs; a system (cross-Region) profile and the foundation model in every
 * destination Region, each with `aws:RequestedRegion` set to that Region;
 * `bedrock:InferenceProfileArn` on every resource reached through a profile.
 */
import type { TwinModel } from "./plan-model";

export interface BedrockTarget {
    resource: string;
    context: Record<string, string>;
}

/** Destination Regions of a system profile when no stack of the plans states them. */
const GEOGRAPHY_REGIONS: Record<string, string[]> = {
    us: ["us-east-1", "us-east-2", "us-west-2"],
    eu: ["eu-central-1", "eu-west-1", "eu-west-3"],
    apac: ["ap-northeast-1", "ap-southeast-1", "ap-southeast-2"],
};

const SYSTEM_PROFILE = /^(us|eu|apac|us-gov|global)\.(.+)$/;

export interface ResolvedTargets {
    targets: BedrockTarget[];
    /** An application profile ARN that no plan declares: Bedrock answers ValidationException once IAM allows it. */
    unknownProfile?: string;
}

/** `modelId` as the request path carries it: a model id, a system profile id, or an ARN. */
export function bedrockTargets(model: TwinModel, modelId: string, region: string, account: string): ResolvedTargets {
    const targets: BedrockTarget[] = [];
    const base = { "aws:RequestedRegion": region };
    const viaSystemProfile = (profileArn: string, profileId: string, context: Record<string, string>) => {
        const [, geography, foundation] = profileId.match(SYSTEM_PROFILE) ?? [];
        targets.push({ resource: profileArn, context: { ...context, "bedrock:InferenceProfileArn": context["bedrock:InferenceProfileArn"] ?? profileArn } });
        for (const destination of model.destinations.get(profileId) ?? GEOGRAPHY_REGIONS[geography] ?? [region]) {
            targets.push({
                resource: `arn:aws:bedrock:${destination}::foundation-model/${foundation}`,
                context: { ...context, "aws:RequestedRegion": destination, "bedrock:InferenceProfileArn": context["bedrock:InferenceProfileArn"] ?? profileArn },
            });
        }
    };
    const viaSource = (source: string, context: Record<string, string>) => {
        const system = source.match(/^arn:aws:bedrock:[^:]+:\d*:inference-profile\/(.+)$/);
        if (system) viaSystemProfile(source, system[1], context);
        else targets.push({ resource: source, context });
    };
    if (modelId.startsWith("arn:")) {
        if (modelId.includes(":application-inference-profile/")) {
            const context = { ...base, "bedrock:InferenceProfileArn": modelId };
            targets.push({ resource: modelId, context });
            const source = model.profiles.get(modelId);
            if (source === undefined) return { targets, unknownProfile: modelId };
            viaSource(source, context);
        } else {
            viaSource(modelId, base);
        }
        return { targets };
    }
    const system = modelId.match(SYSTEM_PROFILE);
    if (system) viaSystemProfile(`arn:aws:bedrock:${region}:${account}:inference-profile/${modelId}`, modelId, base);
    else targets.push({ resource: `arn:aws:bedrock:${region}::foundation-model/${modelId}`, context: base });
    return { targets };
}

/** `bedrock:GuardrailIdentifier` as IAM sees it: the guardrail's ARN and version, `arn:…:guardrail/ID:VERSION`. */
export function guardrailKey(config: { guardrailIdentifier?: string; guardrailVersion?: string } | undefined, region: string, account: string): string | undefined {
    if (!config?.guardrailIdentifier) return undefined;
    const arn = config.guardrailIdentifier.startsWith("arn:") ? config.guardrailIdentifier : `arn:aws:bedrock:${region}:${account}:guardrail/${config.guardrailIdentifier}`;
    return config.guardrailVersion ? `${arn}:${config.guardrailVersion}` : arn;
}
