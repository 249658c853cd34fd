/**
 * The authorization step of each enforcing stand-in: who signed, which
 * action on which resource with which context, decided by the evaluator over
 * the plans' policies as they stand at that moment, and refused in the
 * service's own error shape and HTTP status.
 */
import type { RecordedRequest, Refusal } from "../../testing/local-aws";
import { bedrockTargets, guardrailKey } from "./bedrock-targets";
import { decide, refusalMessage, type Decision } from "./decide";
import type { PolicyDocument, TwinRole } from "./plan-model";
import { principalContext, signingScope, type TwinSession } from "./sessions";
import type { AwsTwin } from "./twin";

type Authorize = (request: RecordedRequest) => Promise<Refusal | undefined>;

const ROOT_POWERS: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** What a session may do by its own policies (the root of an account: anything). */
function identityOf(twin: AwsTwin, session: TwinSession): { name: string; policy: PolicyDocument }[] {
    return session.role ? twin.identityPolicies(session.role) : [{ name: "account-root", policy: ROOT_POWERS }];
}

async function decideFor(twin: AwsTwin, session: TwinSession, action: string, resource: string, resourceAccount: string, context: Record<string, string | string[]>, resourcePolicy?: PolicyDocument): Promise<Decision> {
    return decide({
        principal: session.principal,
        action, resource, resourceAccount,
        identityPolicies: identityOf(twin, session),
        resourcePolicy,
        boundary: session.role ? twin.boundaryOf(session.role) : undefined,
        context: { ...principalContext(session), ...context },
    });
}

function caller(twin: AwsTwin, request: RecordedRequest, invalid: Refusal): { session?: TwinSession; region: string; refusal?: Refusal } {
    const { accessKeyId, region } = signingScope(request.headers.authorization);
    const session = accessKeyId ? twin.sessionOf(accessKeyId) : undefined;
    return session ? { session, region: region ?? "us-east-1" } : { region: region ?? "us-east-1", refusal: invalid };
}

export function authorizeSts(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, refusal } = caller(twin, request, { status: 403, errorType: "InvalidClientTokenId", message: "The security token included in the request is invalid." });
        if (!session) return refusal;
        const form = new URLSearchParams(request.body);
        if (form.get("Action") !== "AssumeRole") return undefined;
        const roleArn = form.get("RoleArn") ?? "";
        const denied = (action: string): Refusal => ({ status: 403, errorType: "AccessDenied", message: `User: ${session.callerArn} is not authorized to perform: ${action} on resource: ${roleArn}` });
        const target = twin.model.roles.get(roleArn);
        if (!target) return denied("sts:AssumeRole");
        const tags: Record<string, string> = {};
        for (let i = 1; form.has(`Tags.member.${i}.Key`); i++) tags[form.get(`Tags.member.${i}.Key`)!] = form.get(`Tags.member.${i}.Value`) ?? "";
        const context: Record<string, string | string[]> = { "sts:RoleSessionName": form.get("RoleSessionName") ?? "" };
        if (form.has("ExternalId")) context["sts:ExternalId"] = form.get("ExternalId")!;
        if (form.has("SourceIdentity")) context["sts:SourceIdentity"] = form.get("SourceIdentity")!;
        if (Object.keys(tags).length > 0) {
            context["aws:TagKeys"] = Object.keys(tags);
            for (const [k, v] of Object.entries(tags)) context[`aws:RequestTag/${k}`] = v;
        }
        const actions = ["sts:AssumeRole", ...(Object.keys(tags).length > 0 ? ["sts:TagSession"] : []), ...(form.has("SourceIdentity") ? ["sts:SetSourceIdentity"] : [])];
        for (const action of actions) {
            const decision = await decideFor(twin, session, action, roleArn, target.account, context, target.trust);
            if (!decision.allowed) return denied(action);
        }
        const duration = Number(form.get("DurationSeconds") ?? 3600);
        const cap = session.role ? Math.min(3600, target.maxSessionDuration) : target.maxSessionDuration;
        if (duration > cap) {
            return { status: 400, errorType: "ValidationError", message: `The requested DurationSeconds exceeds the ${session.role ? "1 hour session limit for roles assumed by role chaining" : "MaxSessionDuration set for this role"}.` };
        }
        return undefined;
    };
}

const BEDROCK_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

export function authorizeBedrock(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, region, refusal } = caller(twin, request, { status: 403, errorType: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
        if (!session) return refusal;
        const route = request.path.match(BEDROCK_ROUTE);
        if (!route) return undefined;
        const streaming = route[2].endsWith("stream");
        const action = streaming ? "bedrock:InvokeModelWithResponseStream" : "bedrock:InvokeModel";
        const body = route[2].startsWith("converse") ? JSON.parse(request.body || "{}") : {};
        const guardrail = guardrailKey(body.guardrailConfig ?? (request.headers["x-amzn-bedrock-guardrailidentifier"] ? { guardrailIdentifier: String(request.headers["x-amzn-bedrock-guardrailidentifier"]), guardrailVersion: String(request.headers["x-amzn-bedrock-guardrailversion"] ?? "") } : undefined), region, session.account);
        const { targets, unknownProfile } = bedrockTargets(twin.model, decodeURIComponent(route[1]), region, session.account);
        for (const target of targets) {
            const context = { ...target.context, ...(guardrail ? { "bedrock:GuardrailIdentifier": guardrail } : {}) };
            const account = target.resource.split(":")[4] || session.account;
            const decision = await decideFor(twin, session, action, target.resource, account, context);
            if (!decision.allowed) return { status: 403, errorType: "AccessDeniedException", message: refusalMessage(session.callerArn, action, target.resource, decision) };
        }
        if (unknownProfile) return { status: 400, errorType: "ValidationException", message: "The provided model identifier is invalid." };
        return undefined;
    };
}

const LOGS_ACTIONS: Record<string, string> = {
    "Logs_20140328.CreateLogStream": "logs:CreateLogStream",
    "Logs_20140328.PutLogEvents": "logs:PutLogEvents",
    "Logs_20140328.DescribeLogStreams": "logs:DescribeLogStreams",
};

const LOGS_CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn";
// A global key the evaluator reads for every action; the condition operator and value stay as the key policy states them.
const LOGS_CONTEXT_ALIAS = "aws:SourceArn";

export function authorizeLogs(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, region, refusal } = caller(twin, request, { status: 400, errorType: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
        if (!session) return refusal;
        const action = LOGS_ACTIONS[String(request.headers["x-amz-target"] ?? "")];
        if (!action) return undefined;
        const body = JSON.parse(request.body || "{}");
        const group = twin.model.logGroups.find((g) => g.name === body.logGroupName && g.account === session.account && g.region === region);
        if (!group) return { status: 400, errorType: "ResourceNotFoundException", message: "The specified log group does not exist." };
        const resource = action === "logs:DescribeLogStreams" ? `${group.arn}:*` : `${group.arn}:log-stream:${body.logStreamName}`;
        const decision = await decideFor(twin, session, action, resource, group.account, {});
        if (!decision.allowed) return { status: 400, errorType: "AccessDeniedException", message: refusalMessage(session.callerArn, action, resource, decision) };
        if (action === "logs:PutLogEvents" && group.kmsKeyArn) {
            // CloudWatch Logs encrypts with the group's key as its own service principal, scoped to this group.
            const key = twin.model.keys.get(group.kmsKeyArn);
            const service = `logs.${region}.amazonaws.com`;
            // The evaluator ignores kms:EncryptionContext keys: the same key, renamed alike in policy and request.
            const renamed = key && (JSON.parse(JSON.stringify(key.policy).split(LOGS_CONTEXT_KEY).join(LOGS_CONTEXT_ALIAS)) as PolicyDocument);
            const allowed = key && (await decide({
                principal: service, action: "kms:GenerateDataKey", resource: key.arn, resourceAccount: key.account, identityPolicies: [], resourcePolicy: renamed,
                context: { [LOGS_CONTEXT_ALIAS]: group.arn, "aws:SourceAccount": group.account },
            })).allowed;
            if (!allowed) return { status: 400, errorType: "AccessDeniedException", message: `The specified KMS key ${group.kmsKeyArn} does not exist or is not allowed to be used with log group ${group.arn}` };
        }
        return undefined;
    };
}

export function authorizeS3(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, region, refusal } = caller(twin, request, { status: 403, errorType: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." });
        if (!session) return refusal;
        const url = new URL(request.path, "http://127.0.0.1");
        const [, bucketName, ...rest] = url.pathname.split("/");
        const bucket = twin.model.buckets.get(bucketName);
        if (!bucket) return { status: 404, errorType: "NoSuchBucket", message: "The specified bucket does not exist" };
        const key = decodeURIComponent(rest.join("/"));
        const resource = `arn:aws:s3:::${bucket.name}/${key}`;
        const action = request.method === "PUT" ? "s3:PutObject" : request.method === "DELETE" ? (url.searchParams.has("versionId") ? "s3:DeleteObjectVersion" : "s3:DeleteObject") : `s3:${request.method}`;
        const context: Record<string, string> = {};
        const sse = request.headers["x-amz-server-side-encryption"];
        const keyId = request.headers["x-amz-server-side-encryption-aws-kms-key-id"];
        if (typeof sse === "string") context["s3:x-amz-server-side-encryption"] = sse;
        if (typeof keyId === "string") context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = keyId;
        const decision = await decideFor(twin, session, action, resource, bucket.account, context, bucket.policy);
        if (!decision.allowed) return { status: 403, errorType: "AccessDenied", message: "Access Denied" };
        if (action === "s3:PutObject" && typeof keyId === "string") {
            const kmsKey = twin.model.keys.get(keyId);
            const kms = kmsKey && (await decideFor(twin, session, "kms:GenerateDataKey", kmsKey.arn, kmsKey.account, { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:CallerAccount": session.account }, kmsKey.policy));
            if (!kms?.allowed) return { status: 403, errorType: "AccessDenied", message: "Access Denied" };
        }
        return undefined;
    };
}

/**
 * DescribeAlarms is authorized per alarm named, on the alarm's ARN; a call
 * naming no alarm (a prefix, or every alarm) is decided on `*`, the only
 * resource that covers alarms yet unknown.
 */
export function authorizeCloudWatch(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, region, refusal } = caller(twin, request, { status: 403, errorType: "InvalidClientTokenId", message: "The security token included in the request is invalid." });
        if (!session) return refusal;
        if (String(request.headers["x-amz-target"] ?? "") !== "GraniteServiceVersion20100801.DescribeAlarms") return undefined;
        const body = JSON.parse(request.body || "{}");
        const names: unknown[] = Array.isArray(body.AlarmNames) ? body.AlarmNames : [];
        const resources = names.length > 0 ? names.map((n) => `arn:aws:cloudwatch:${region}:${session.account}:alarm:${String(n)}`) : ["*"];
        for (const resource of resources) {
            const decision = await decideFor(twin, session, "cloudwatch:DescribeAlarms", resource, session.account, {});
            if (!decision.allowed) return { status: 403, errorType: "AccessDenied", message: refusalMessage(session.callerArn, "cloudwatch:DescribeAlarms", resource, decision) };
        }
        return undefined;
    };
}

export function authorizeIam(twin: AwsTwin): Authorize {
    return async (request) => {
        const { session, refusal } = caller(twin, request, { status: 403, errorType: "InvalidClientTokenId", message: "The security token included in the request is invalid." });
        if (!session) return refusal;
        const form = new URLSearchParams(request.body);
        const action = `iam:${form.get("Action")}`;
        const resource = `arn:aws:iam::${session.account}:role/${form.get("RoleName")}`;
        const role: TwinRole | undefined = twin.model.roles.get(resource);
        if (!role) return { status: 404, errorType: "NoSuchEntity", message: `The role with name ${form.get("RoleName")} cannot be found.` };
        const context: Record<string, string> = form.has("PolicyArn") ? { "iam:PolicyARN": form.get("PolicyArn")! } : {};
        if (form.has("PolicyArn") && !twin.model.managedPolicies.has(form.get("PolicyArn")!)) {
            return { status: 404, errorType: "NoSuchEntity", message: `Policy ${form.get("PolicyArn")} does not exist or is not attachable.` };
        }
        const decision = await decideFor(twin, session, action, resource, role.account, context);
        if (!decision.allowed) return { status: 403, errorType: "AccessDenied", message: refusalMessage(session.callerArn, action, resource, decision) };
        return undefined;
    };
}
