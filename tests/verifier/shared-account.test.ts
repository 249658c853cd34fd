/**
 * Stacks that deploy into one account, proved together: a name two stacks
 * declare is one resource of the account, and a principal or resource
 * policy of one stack reaches what another stack protects as if it were
 * that stack's own. Each case runs on stack exports and on previews.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Violation } from "../../verifier/findings";
import { readStackState } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedPlan, type StackDoc } from "../support/plan-files";
import { added, asPreview, CUSTOMER_A, LOG_GROUP_A, KEY_A, OPS, TENANT_A_ROLE } from "../support/plan-mutations";
import { makeTempDir } from "../support/temp-dir";

type Shape = "stack-export" | "preview";

const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";
const RUNTIME_ROLE = "BedrockTenancyRuntime-customer-a";
/** Every name of customer-a's stack a second stack of its account must not reuse, but for the runtime role. */
const OWN_NAMES: [string, string][] = [
    [AUDIT_GROUP, "/bedrock-tenancy/customer-a2/audit"],
    ["btn-customer-a-archive-111111111111", "btn-customer-a2-archive-111111111111"],
    ["bedrock-tenancy-customer-a", "bedrock-tenancy-customer-a2"],
    ["bedrock_tenancy_customer_a", "bedrock_tenancy_customer_a2"],
    ["alias/bedrock-tenancy/customer-a/", "alias/bedrock-tenancy/customer-a2/"],
];

const read = (dir: string, stack: string) => fs.readFileSync(path.join(dir, `${stack}.json`), "utf8");
const replaced = (text: string, pairs: [string, string][]) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text);

/** Proves the stacks, each written in `shape` to a file named after it. */
function prove(stacks: Record<string, StackDoc>, shape: Shape): Violation[] {
    const dir = makeTempDir("bedrock-tenancy-shared-account-");
    const states = Object.entries(stacks).map(([stack, doc]) => {
        const file = path.join(dir, `${stack}.json`);
        const text = JSON.stringify(shape === "preview" ? asPreview(doc) : doc);
        fs.writeFileSync(file, text);
        return readStackState(file, text);
    });
    return verifyStates(states).violations;
}

const lines = (vs: Violation[]) => vs.map((v) => `${v.code} ${v.stack} ${v.resource}: ${v.why}`).join("\n");

/** The id of customer-a's audit key, as the plan records it. */
function auditKeyId(plan: string): string {
    const key = KEY_A.slice(KEY_A.lastIndexOf("/") + 1);
    const text = read(plan, "customer-a");
    return text.includes(key) ? key : /key\/([0-9a-f-]{36})/.exec(text)![1];
}

/** A second customer stack of customer-a's account and tenant, with its own audit trail; `names` are the ones it renames. */
function secondCustomerStack(plan: string, names: [string, string][]): StackDoc {
    return JSON.parse(replaced(read(plan, "customer-a"), [["urn:pulumi:customer-a::", "urn:pulumi:customer-a-extras::"], [auditKeyId(plan), "99999999-0000-4000-8000-000000000000"], ...names]));
}

/** Shipped ops cut in two shards: ops-1 keeps customer-a and the enforcer, ops-2 holds customer-b (and the enforcer too, with `enforcer`). */
function shards(plan: string, options: { enforcer?: boolean; account?: string } = {}): { "ops-1": StackDoc; "ops-2": StackDoc } {
    const doc: StackDoc = JSON.parse(read(plan, "ops"));
    const ofTenant = (tenant: string) => (r: any) => r.urn.includes(`::tenants-${tenant}`) || r.parent?.endsWith(`::tenants-${tenant}`);
    const ofEnforcer = (r: any) => r.urn.includes("QuotaEnforcer") || r.parent?.includes("QuotaEnforcer");
    const cut = (stack: string, drop: (r: any) => boolean, pairs: [string, string][]): StackDoc =>
        JSON.parse(replaced(JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: doc.deployment.resources.filter((r) => !drop(r)) } }), [["urn:pulumi:ops::", `urn:pulumi:${stack}::`], ...pairs]));
    return {
        "ops-1": cut("ops-1", ofTenant("customer-b"), []),
        "ops-2": cut("ops-2", (r) => ofTenant("customer-a")(r) || (!options.enforcer && ofEnforcer(r)), options.account ? [[OPS, options.account]] : []),
    };
}

const policy = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/**
 * What a second stack of customer-a's tenant with a runtime role of its own
 * draws: the tenant's ops role trusts customer-a's runtime role alone, so the
 * second component names a runtime role no ops role trusts, and its archive's
 * one writer is not the role that calls Bedrock.
 */
const untrustedRuntime = (v: Violation) => v.stack === "customer-a-extras" && ((v.code === "BT-CUSTOMER-TENANT" && v.why.includes("as its runtime role")) || v.resource === "customer-a-archive-policy");

for (const shape of ["stack-export", "preview"] as const) {
    describe(`stacks that share one account (${shape})`, function () {
        this.timeout(300_000);
        let plan: string;
        let ops: StackDoc;
        let customer: StackDoc;
        before(async () => {
            plan = await shippedPlan();
            ops = JSON.parse(read(plan, "ops"));
            customer = JSON.parse(read(plan, "customer-a"));
        });

        describe("a customer account", () => {
            it("proves two customer stacks of one account with names of their own", () => {
                const found = prove({ ops, "customer-a": customer, "customer-a-extras": secondCustomerStack(plan, [...OWN_NAMES, [RUNTIME_ROLE, "BedrockTenancyRuntime-customer-a2"]]) }, shape);
                assert.deepStrictEqual(lines(found.filter((v) => !untrustedRuntime(v))), "");
                assert.deepStrictEqual(found.filter(untrustedRuntime).map((v) => v.code).sort(), ["BT-CUSTOMER-ARCHIVE", "BT-CUSTOMER-AUDIT-REMOVAL", "BT-CUSTOMER-TENANT"], lines(found));
            });

            it("names a log group that a second stack of the account also declares: the audit group, held once by AWS", () => {
                const extras = secondCustomerStack(plan, [...OWN_NAMES, [RUNTIME_ROLE, "BedrockTenancyRuntime-customer-a2"]]);
                extras.deployment.resources.push(added("customer-a-extras", "aws:cloudwatch/logGroup:LogGroup", "legacy-audit", { name: AUDIT_GROUP, retentionInDays: 1, kmsKeyId: "arn:aws:kms:us-east-1:111111111111:key/99999999-0000-4000-8000-000000000000", region: "us-east-1" }));
                const found = prove({ ops, "customer-a": customer, "customer-a-extras": extras }, shape).filter((v) => v.code === "BT-ACCOUNT-NAME-COLLISION");
                assert.strictEqual(found.length, 1, lines(found));
                assert.strictEqual(found[0].stack, "customer-a-extras");
                assert.strictEqual(found[0].resource, "legacy-audit");
                assert.match(found[0].why, /log group "\/bedrock-tenancy\/customer-a\/audit" in us-east-1, which stack customer-a \(.*customer-a\.json\) also declares as customer-a-log-group, in the same account 111111111111/);
            });

            it("names an IAM role a second stack of the account also declares, and its inline policy: the runtime role", () => {
                const found = prove({ ops, "customer-a": customer, "customer-a-extras": secondCustomerStack(plan, OWN_NAMES) }, shape);
                assert.deepStrictEqual(found.map((v) => `${v.code} ${v.stack} ${v.resource}`), [
                    "BT-ACCOUNT-NAME-COLLISION customer-a-extras customer-a-runtime-role",
                    // The role's inline policy is the role's one policy of that name, as much as the role is the account's one role.
                    "BT-ACCOUNT-NAME-COLLISION customer-a-extras customer-a-runtime-policy",
                ], lines(found));
                assert.ok(found[0].why.includes(`IAM role "${RUNTIME_ROLE}", which stack customer-a (`) && found[0].why.includes("customer-a.json)"), found[0].why);
            });

            it("holds a principal of a second stack of the account to the first stack's audit trail", () => {
                const extras = secondCustomerStack(plan, [...OWN_NAMES, [RUNTIME_ROLE, "BedrockTenancyRuntime-customer-a2"]]);
                extras.deployment.resources.push(
                    added("customer-a-extras", "aws:iam/role:Role", "janitor", { name: "AuditJanitor", assumeRolePolicy: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_A}:root` }, Action: "sts:AssumeRole" }) }),
                    added("customer-a-extras", "aws:iam/rolePolicy:RolePolicy", "janitor-policy", { role: "AuditJanitor", policy: policy(
                        { Effect: "Allow", Action: ["logs:DeleteLogGroup", "logs:PutRetentionPolicy"], Resource: `${LOG_GROUP_A}:*` },
                        { Effect: "Allow", Action: ["kms:ScheduleKeyDeletion"], Resource: `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/${auditKeyId(plan)}` },
                    ) }),
                );
                const found = prove({ ops, "customer-a": customer, "customer-a-extras": extras }, shape);
                const removal = found.filter((v) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && !untrustedRuntime(v));
                assert.ok(removal.length >= 2, lines(found));
                for (const v of removal) {
                    assert.strictEqual(v.stack, "customer-a", lines(found));
                    assert.ok(v.urn?.startsWith("urn:pulumi:customer-a-extras::"), lines(found));
                    assert.match(v.why, /role AuditJanitor .*it is of stack customer-a-extras, .*customer-a-extras\.json, which deploys into the same account 111111111111/);
                }
                assert.ok(removal.some((v) => v.why.includes("logs:DeleteLogGroup")) && removal.some((v) => v.why.includes("kms:ScheduleKeyDeletion")), lines(found));
            });
        });

        describe("an ops account", () => {
            it("proves two shards of one ops account with names of their own", () => {
                assert.deepStrictEqual(lines(prove({ ...shards(plan), "customer-a": customer }, shape)), "");
            });

            it("proves two shards of different ops accounts that use the same names", () => {
                assert.deepStrictEqual(lines(prove({ ...shards(plan, { enforcer: true, account: "888888888888" }), "customer-a": customer }, shape)), "");
            });

            it("names every name of the quota enforcer and the cost cap that two shards of the account declare", () => {
                const found = prove({ ...shards(plan, { enforcer: true }), "customer-a": customer }, shape).filter((v) => v.code === "BT-ACCOUNT-NAME-COLLISION");
                const named = found.map((v) => /declares (.*?) "([^"]+)"/.exec(v.why)!.slice(1).join(" ")).sort();
                for (const name of ["IAM role BedrockTenancyQuotaEnforcer", "IAM role BedrockTenancyCostCapAction", "Lambda function BedrockTenancyQuotaEnforcer", "EventBridge rule BedrockTenancyQuotaAlarms"]) {
                    assert.ok(named.includes(name), `${name} not among ${named.join(", ")}`);
                }
                assert.ok(named.some((n) => n.startsWith("IAM managed policy BedrockTenancyCostCap")), named.join(", "));
                assert.ok(found.every((v) => v.stack === "ops-2" && /which stack ops-1 \(.*ops-1\.json\) also declares/.test(v.why)), lines(found));
            });

            it("names a managed policy of a second shard that takes the name of the first shard's tenant boundary", () => {
                const two = shards(plan);
                two["ops-2"].deployment.resources.push(added("ops-2", "aws:iam/policy:Policy", "legacy-boundary", { name: "BedrockTenantBoundary-customer-a", policy: policy({ Effect: "Allow", Action: "bedrock:*", Resource: "*" }) }, { arn: `arn:aws:iam::${OPS}:policy/BedrockTenantBoundary-customer-a` }));
                const found = prove({ ...two, "customer-a": customer }, shape).filter((v) => v.code === "BT-ACCOUNT-NAME-COLLISION");
                assert.deepStrictEqual(found.map((v) => `${v.stack} ${v.resource}`), ["ops-2 legacy-boundary"], lines(found));
                assert.match(found[0].why, /IAM managed policy "BedrockTenantBoundary-customer-a", which stack ops-1 \(.*ops-1\.json\) also declares/);
            });

            it("holds a second shard's bucket policy to the first shard's tenant sessions", () => {
                const two = shards(plan);
                const bucket = "ops-scratch-999999999999";
                two["ops-2"].deployment.resources.push(
                    added("ops-2", "aws:s3/bucket:Bucket", "scratch", { bucket, region: "us-east-1" }),
                    added("ops-2", "aws:s3/bucketPolicy:BucketPolicy", "scratch-policy", { bucket, region: "us-east-1", policy: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:sts::${OPS}:assumed-role/${TENANT_A_ROLE}/session` }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }) }),
                );
                const found = prove({ ...two, "customer-a": customer }, shape);
                assert.deepStrictEqual(found.map((v) => `${v.code} ${v.stack} ${v.resource}`), ["BT-OPS-ROLE-CHAIN ops-2 scratch-policy"], lines(found));
                assert.ok(found[0].why.includes(`a session of the tenant role arn:aws:iam::${OPS}:role/${TENANT_A_ROLE}`), found[0].why);
                assert.match(found[0].why, /a tenant role of stack ops-1 \(.*ops-1\.json\), which deploys into the same account 999999999999/);
            });

            it("names the one shard of three whose tenant role a finding names, though another's role name begins it", () => {
                const two = shards(plan);
                const ofEnforcer = (r: any) => r.urn.includes("QuotaEnforcer") || r.parent?.includes("QuotaEnforcer");
                const first = two["ops-1"];
                const third: StackDoc = JSON.parse(replaced(JSON.stringify({ ...first, deployment: { ...first.deployment, resources: first.deployment.resources.filter((r) => !ofEnforcer(r)) } }), [["urn:pulumi:ops-1::", "urn:pulumi:ops-3::"], ["customer-a", "customer-a2"]]));
                const bucket = "ops-scratch-999999999999";
                two["ops-2"].deployment.resources.push(
                    added("ops-2", "aws:s3/bucket:Bucket", "scratch", { bucket, region: "us-east-1" }),
                    added("ops-2", "aws:s3/bucketPolicy:BucketPolicy", "scratch-policy", { bucket, region: "us-east-1", policy: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:sts::${OPS}:assumed-role/${TENANT_A_ROLE}2/session` }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }) }),
                );
                const found = prove({ ...two, "ops-3": third, "customer-a": customer }, shape).filter((v) => v.code === "BT-OPS-ROLE-CHAIN");
                assert.deepStrictEqual(found.map((v) => `${v.code} ${v.stack} ${v.resource}`), ["BT-OPS-ROLE-CHAIN ops-2 scratch-policy"], lines(found));
                assert.ok(found[0].why.includes(`a session of the tenant role arn:aws:iam::${OPS}:role/${TENANT_A_ROLE}2`), found[0].why);
                assert.match(found[0].why, /\(a tenant role of stack ops-3 \([^()]*ops-3\.json\), which deploys into the same account 999999999999\)$/);
            });

            it("holds a second shard's role to the first shard's tenant roles and their boundaries", () => {
                const two = shards(plan);
                two["ops-2"].deployment.resources.push(
                    added("ops-2", "aws:iam/role:Role", "operator", { name: "Operator", assumeRolePolicy: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "sts:AssumeRole" }) }),
                    added("ops-2", "aws:iam/rolePolicy:RolePolicy", "operator-policy", { role: "Operator", policy: policy(
                        { Effect: "Allow", Action: "iam:DeleteRolePermissionsBoundary", Resource: `arn:aws:iam::${OPS}:role/${TENANT_A_ROLE}` },
                        { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: `arn:aws:iam::${OPS}:policy/BedrockTenantBoundary-customer-a` },
                    ) }),
                );
                const found = prove({ ...two, "customer-a": customer }, shape).filter((v) => v.code === "BT-OPS-TENANT-ROLE-WRITE");
                const whys = found.map((v) => v.why).join("\n");
                assert.ok(found.length > 0 && found.every((v) => v.stack === "ops-2" && v.resource === "operator-policy"), lines(found));
                assert.match(whys, /iam:DeleteRolePermissionsBoundary on arn:aws:iam::999999999999:role\/bedrocktenantaccess-customer-a/i);
                assert.match(whys, /iam:CreatePolicyVersion on arn:aws:iam::999999999999:policy\/bedrocktenantboundary-customer-a/i);
                assert.match(whys, /a tenant role of stack ops-1 \(.*ops-1\.json\), which deploys into the same account 999999999999/);
            });
        });
    });
}
