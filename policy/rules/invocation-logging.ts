/**
 * Rule: Bedrock's own invocation logging stays off in a stack that holds
 * BedrockTenantAccess. It is per account and Region and writes only to the
 * same account, so turning it on in the operations account would put every
 * tenant's prompts there. Content delivery is a mandatory violation; a
 * configuration with every content type off records metadata only and is
 * reported as advisory.
 */
import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract/naming";

export const INVOCATION_LOGGING_TYPE = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";

/** `loggingConfig` flags that deliver content; each defaults to `true` in @pulumi/aws 7. */
export const CONTENT_DELIVERY_FLAGS = [
    "textDataDeliveryEnabled",
    "imageDataDeliveryEnabled",
    "embeddingDataDeliveryEnabled",
    "videoDataDeliveryEnabled",
] as const;

/** The content delivery flags that are not explicitly `false` (absent means on). */
export function contentDeliveries(props: { loggingConfig?: unknown }): string[] {
    const config = (typeof props.loggingConfig === "object" && props.loggingConfig !== null ? props.loggingConfig : {}) as Record<
        string,
        unknown
    >;
    return CONTENT_DELIVERY_FLAGS.filter((flag) => config[flag] !== false);
}

/** Invocation-logging configurations of a stack that holds BedrockTenantAccess; none otherwise. */
function loggingConfigurations(args: StackValidationArgs): PolicyResource[] {
    if (!args.resources.some((resource) => resource.type === BEDROCK_TENANT_ACCESS_TYPE)) {
        return [];
    }
    return args.resources.filter((resource) => resource.type === INVOCATION_LOGGING_TYPE);
}

export const noContentInvocationLoggingPolicy: StackValidationPolicy = {
    name: "no-bedrock-invocation-logging-in-ops",
    description:
        "A stack that holds BedrockTenantAccess must not turn on Bedrock model invocation logging with any content delivery " +
        "(text, image, embedding or video; each defaults to on).",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        for (const resource of loggingConfigurations(args)) {
            const delivered = contentDeliveries(resource.props);
            if (delivered.length > 0) {
                reportViolation(
                    `Bedrock invocation logging in a stack that holds BedrockTenantAccess would keep tenant content in this account ` +
                        `(${delivered.join(", ")} not false)`,
                    resource.urn,
                );
            }
        }
    },
};

export const metadataOnlyInvocationLoggingPolicy: StackValidationPolicy = {
    name: "bedrock-invocation-logging-metadata-only-in-ops",
    description:
        "A stack that holds BedrockTenantAccess should not configure Bedrock model invocation logging at all, " +
        "even with every content delivery off.",
    enforcementLevel: "advisory",
    severity: "low",
    validateStack: (args, reportViolation) => {
        for (const resource of loggingConfigurations(args)) {
            if (contentDeliveries(resource.props).length === 0) {
                reportViolation(
                    "Bedrock invocation logging is configured in a stack that holds BedrockTenantAccess; " +
                        "every content delivery is off, but tenant request metadata would still be recorded in this account",
                    resource.urn,
                );
            }
        }
    },
};
