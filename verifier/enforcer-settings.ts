/**
 * The quota enforcer's function as its QuotaEnforcer builds it: the
 * bundle's own handler, and none of the settings the component never gives
 * it. A network with no path to IAM and CloudWatch, an environment key it
 * cannot decrypt, a tenancy mode EventBridge's calls do not meet: each
 * leaves every alarm change failing, and no tenant is ever blocked.
 */
import { QUOTA_ENFORCER_HANDLER } from "../contract";
import { isUnknown, show } from "./metering-values";
import { prop, settingsOutside, type StackResource } from "./pulumi-formats";

/**
 * What the component sets (each judged where it is read), what AWS or the
 * provider records, and what cannot keep the function from running: its
 * description, tags, versions, tracing, sizing and where failed events go.
 * Any other property is one the component never sets.
 */
const COMPONENT_OR_HARMLESS = new Set([
    "name", "region", "role", "runtime", "architectures", "handler", "code", "memorySize", "timeout", "reservedConcurrentExecutions", "environment", "loggingConfig", "tags",
    "description", "tagsAll", "publish", "publishTo", "skipDestroy", "useResourceTimeoutForPropagation", "tracingConfig", "ephemeralStorage", "deadLetterConfig",
    // Judged for every function, under the code checks' own finding.
    "s3Bucket", "s3Key", "s3ObjectVersion", "imageUri", "imageConfig", "packageType", "layers", "fileSystemConfig",
    "id", "arn", "invokeArn", "qualifiedArn", "qualifiedInvokeArn", "responseStreamingInvokeArn", "version", "lastModified",
    "codeSha256", "sourceCodeHash", "sourceCodeSize", "signingJobArn", "signingProfileVersionArn",
]);

/** `[property, why]` for each way the enforcer function differs from its component's so that it may not run. */
export function enforcerSettingsProblems(f: StackResource): [string, string][] {
    const out: [string, string][] = [];
    const handler = prop(f, "handler");
    if (handler !== QUOTA_ENFORCER_HANDLER && !isUnknown(handler)) {
        out.push(["handler", `the quota enforcer's handler is ${show(handler)}; its bundle exports only ${QUOTA_ENFORCER_HANDLER}, so any other fails every alarm change (Runtime.HandlerNotFound) and no quota ever blocks`]);
    }
    for (const [key, value] of settingsOutside(f, COMPONENT_OR_HARMLESS)) {
        if (key.startsWith("__") || isUnknown(value)) continue;
        out.push([key, `the quota enforcer sets ${key} (${show(value).slice(0, 200)}), which its QuotaEnforcer never sets: a network without a path to IAM and CloudWatch, a key it cannot decrypt its environment with, or a mode EventBridge's calls do not meet fails every alarm change, and no quota ever blocks`]);
    }
    return out;
}
