/**
 * The enforcing stand-ins: the local AWS servers of testing/local-aws, each
 * authorizing every request against the IAM state of the plans as AWS would
 * (see docs/testing.md). IAM API calls change that state for the requests
 * that follow: an inline deny put or deleted, a managed policy attached or
 * detached. Lives outside the shipped package because it loads the
 * AGPL-licensed evaluator.
 */
import { AttachRolePolicyCommand, DetachRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { randomBytes } from "crypto";
import { LocalBedrockServer, LocalCloudWatchServer, LocalIamServer, LocalLogsServer, LocalS3Server, LocalStsServer } from "../../testing/local-aws";
import type { StackState } from "../../verifier/pulumi-formats";
import { authorizeBedrock, authorizeCloudWatch, authorizeIam, authorizeLogs, authorizeS3, authorizeSts } from "./authorizers";
import { decide } from "./decide";
import { buildModel, identityPolicies as planIdentity, type PolicyDocument, type TwinModel, type TwinRole } from "./plan-model";
import { sessionArn, type TwinCredentials, type TwinSession } from "./sessions";

export interface MintOptions {
    /** Act as this service assuming the role (`lambda.amazonaws.com`, `ecs-tasks.amazonaws.com`, …): the role's trust must let it. */
    service?: string;
    /** Session name in the assumed-role ARN. @default the service's name, or `twin` */
    sessionName?: string;
}

export class AwsTwin {
    readonly sessions = new Map<string, TwinSession>();
    private minted = 0;

    private constructor(
        readonly model: TwinModel,
        readonly bedrock: LocalBedrockServer,
        readonly sts: LocalStsServer,
        readonly logs: LocalLogsServer,
        readonly s3: LocalS3Server,
        readonly iam: LocalIamServer,
        /** Alarms exist here once a check sets them, as CloudWatch's evaluation would. */
        readonly cloudwatch: LocalCloudWatchServer,
    ) {}

    /** Starts the six stand-ins on 127.0.0.1, loaded with the IAM state of `stacks`. */
    static async start(stacks: StackState[]): Promise<AwsTwin> {
        const model = buildModel(stacks);
        const [bedrock, sts, logs, s3, iam, cloudwatch] = await Promise.all([
            new LocalBedrockServer().start(), new LocalStsServer().start(), new LocalLogsServer().start(), new LocalS3Server().start(), new LocalIamServer().start(), new LocalCloudWatchServer().start(),
        ]);
        const twin = new AwsTwin(model, bedrock, sts, logs, s3, iam, cloudwatch);
        for (const role of model.roles.values()) {
            if (iam.roles.has(role.name)) throw new Error(`two accounts of the plans have a role named ${role.name}; the stand-in IAM addresses roles by name`);
            iam.createRole(role.name);
            for (const [name, doc] of role.inline) iam.roles.get(role.name)!.set(name, JSON.stringify(doc));
            role.attached.forEach((arn) => iam.attached.get(role.name)!.add(arn));
        }
        for (const group of model.logGroups) logs.createLogGroup(group.name);
        for (const bucket of model.buckets.values()) if (bucket.lock) s3.lockDays.set(bucket.name, bucket.lock.days);
        sts.authorize = authorizeSts(twin);
        bedrock.authorize = authorizeBedrock(twin);
        logs.authorize = authorizeLogs(twin);
        s3.authorize = authorizeS3(twin);
        iam.authorize = authorizeIam(twin);
        cloudwatch.authorize = authorizeCloudWatch(twin);
        return twin;
    }

    async close(): Promise<void> {
        await Promise.all([this.bedrock, this.sts, this.logs, this.s3, this.iam, this.cloudwatch].map((s) => s.close()));
    }

    /** The role's policies as IAM holds them now (the plan's, changed by IAM API calls since). */
    identityPolicies(role: TwinRole): { name: string; policy: PolicyDocument }[] {
        const inline = this.iam.roles.get(role.name) ?? new Map<string, string>();
        const live: TwinRole = { ...role, inline: new Map([...inline].map(([n, doc]) => [n, JSON.parse(doc)])), attached: this.iam.attached.get(role.name) ?? new Set() };
        return planIdentity(this.model, live);
    }

    boundaryOf(role: TwinRole): PolicyDocument | undefined {
        if (!role.boundaryArn) return undefined;
        const boundary = this.model.managedPolicies.get(role.boundaryArn);
        if (!boundary) throw new Error(`role ${role.name} has the permissions boundary ${role.boundaryArn}, which no plan declares`);
        return boundary;
    }

    /** The session an access key belongs to: minted here, or issued by the stand-in STS. */
    sessionOf(accessKeyId: string): TwinSession | undefined {
        const known = this.sessions.get(accessKeyId);
        if (known) return known;
        const issued = this.sts.assumeRoleCalls.find((c) => c.issuedAccessKeyId === accessKeyId);
        const role = issued?.roleArn ? this.model.roles.get(issued.roleArn) : undefined;
        if (!issued || !role) return undefined;
        const session: TwinSession = {
            credentials: { accessKeyId, secretAccessKey: "opsSessionSecret", sessionToken: "" },
            principal: role.arn, callerArn: sessionArn(role, issued.roleSessionName ?? ""), account: role.account, role,
            tags: Object.fromEntries(issued.tags.map((t) => [t.Key, t.Value])), sourceIdentity: issued.sourceIdentity,
            chained: this.sessions.get(issued.accessKeyId ?? "")?.role !== undefined,
        };
        this.sessions.set(accessKeyId, session);
        return session;
    }

    /**
     * Credentials of a principal of the plans: a role ARN (as the compute
     * running with it, or as `service` assuming it, which its trust policy
     * must allow) or an account's root ARN. Fails, naming the principal, when
     * the plans hold no such role or the trust refuses the service.
     */
    async credentialsFor(arn: string, options: MintOptions = {}): Promise<TwinCredentials> {
        const root = arn.match(/^arn:aws:iam::(\d{12}):root$/);
        const role = root ? undefined : this.model.roles.get(arn);
        if (!root && !role) throw new Error(`no plan declares the role ${arn}; roles of the plans: ${[...this.model.roles.keys()].join(", ")}`);
        if (role && options.service) {
            const decision = await decide({
                principal: options.service, action: "sts:AssumeRole", resource: role.arn, resourceAccount: role.account, identityPolicies: [], resourcePolicy: role.trust,
                context: { "aws:SourceAccount": role.account, "aws:PrincipalServiceName": options.service },
            });
            if (!decision.allowed) throw new Error(`the trust policy of ${role.arn} does not let ${options.service} assume it`);
        }
        const credentials = { accessKeyId: `ASIATWIN${String(++this.minted).padStart(4, "0")}${randomBytes(4).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(12).toString("hex"), sessionToken: randomBytes(16).toString("hex") };
        const name = options.sessionName ?? options.service?.split(".")[0] ?? "twin";
        this.sessions.set(credentials.accessKeyId, {
            credentials, principal: role?.arn ?? arn, callerArn: role ? sessionArn(role, name) : arn, account: role?.account ?? root![1], role, tags: {}, chained: false,
        });
        return credentials;
    }

    /** Environment that sends every SDK client to the stand-ins, signed with `credentials`. */
    env(credentials: TwinCredentials, region = "us-east-1"): Record<string, string> {
        return {
            AWS_REGION: region,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken,
            AWS_ENDPOINT_URL_STS: this.sts.url,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME: this.bedrock.url,
            AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.logs.url,
            AWS_ENDPOINT_URL_S3: this.s3.url,
            AWS_ENDPOINT_URL_IAM: this.iam.url,
            AWS_ENDPOINT_URL_CLOUDWATCH: this.cloudwatch.url,
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_CONFIG_FILE: "/dev/null",
            AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
            AWS_PROFILE: "",
        };
    }

    /**
     * What AWS Budgets does when a budget crosses an APPLY_IAM_POLICY action's
     * threshold (`apply`) or resets it (`reverse`): it assumes the action's
     * execution role, which must trust budgets.amazonaws.com, and attaches or
     * detaches the policy through IAM with that role's permissions.
     */
    async budgetAction(budgetName: string, step: "apply" | "reverse"): Promise<void> {
        const action = this.model.budgetActions.find((a) => a.budgetName === budgetName);
        if (!action) throw new Error(`no plan declares a Budgets action on ${budgetName}; actions: ${this.model.budgetActions.map((a) => a.budgetName).join(", ") || "none"}`);
        const credentials = await this.credentialsFor(action.executionRoleArn, { service: "budgets.amazonaws.com" });
        const iam = new IAMClient({ region: "us-east-1", endpoint: this.iam.url, credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
        for (const RoleName of action.roles) {
            const input = { RoleName, PolicyArn: action.policyArn };
            await iam.send(step === "apply" ? new AttachRolePolicyCommand(input) : new DetachRolePolicyCommand(input));
        }
    }
}
