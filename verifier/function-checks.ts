/**
 * What a Lambda function of the fleet runs: code from the stack's own bucket
 * or the account's own image registry, and no environment variable beyond
 * those the library's functions read. The runtime sees every prompt and the
 * quota enforcer rewrites tenant roles' inline deny, so code or settings from
 * elsewhere (NODE_OPTIONS loading a file, an exec wrapper, TLS checks off, a
 * credentials endpoint) would be a way around every other proof.
 */
import { isAccountId, isRecord, QUOTA_ENFORCER_ENV, RuntimeEnv } from "../contract";
import { prop, textProp, type StackResource } from "./pulumi-formats";

export const FUNCTION_TYPE = "aws:lambda/function:Function";

/** Variables the library's functions read, and a few that change nothing but formatting or connection reuse. */
export const KNOWN_FUNCTION_ENV: ReadonlySet<string> = new Set([
    ...Object.values(RuntimeEnv),
    ...Object.values(QUOTA_ENFORCER_ENV),
    "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
    "NODE_ENV",
    "TZ",
]);

/**
 * `[statement, why]` for each way the function runs something the proof
 * cannot tie to its stack and account. `judgedElsewhere`: variables another
 * check of the stack already reports under its own code.
 */
export function functionProblems(r: StackResource, account: string, buckets: ReadonlySet<string>, judgedElsewhere: (name: string) => boolean = () => false): [string, string][] {
    const out: [string, string][] = [];
    const bucket = textProp(r, "s3Bucket");
    if (bucket !== undefined && !buckets.has(bucket)) out.push(["s3Bucket", `loads its code from bucket ${JSON.stringify(bucket)}, which is not a bucket of this stack: whoever writes that bucket decides what it runs`]);
    const image = textProp(r, "imageUri");
    if (image !== undefined) {
        const registry = imageRegistryAccount(image);
        if (registry !== account) out.push(["imageUri", `runs the image ${JSON.stringify(image)}, ${registry === undefined ? "not in an ECR registry of an account" : `in the registry of account ${registry}`}, not of its own account ${account}`]);
    }
    const env = prop(r, "environment");
    const vars = isRecord(env) && isRecord(env.variables) ? env.variables : {};
    for (const name of Object.keys(vars)) {
        if (KNOWN_FUNCTION_ENV.has(name) || judgedElsewhere(name)) continue;
        out.push([`environment ${name}`, `sets ${name}, which none of the library's functions reads: a variable the proof does not know could load code, turn TLS checks off or redirect credentials`]);
    }
    return out;
}

/** The account of a private ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>`), or undefined for any other registry. */
function imageRegistryAccount(uri: string): string | undefined {
    const host = uri.split("/")[0];
    const labels = host.split(".");
    if (labels.length < 6 || labels[1] !== "dkr" || labels[2] !== "ecr") return undefined;
    if (!(host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"))) return undefined;
    return isAccountId(labels[0]) ? labels[0] : undefined;
}
