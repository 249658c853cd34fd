/**
 * `createTenantChatModel` (the shipped build) for each compute kind and each
 * tenant the ops stacks export: the tenant's customer stack is planned under
 * the shipped mocks with that compute (bedrock-tenancy/testing `planStack`),
 * then the model runs with credentials of the runtime role as that compute
 * obtains them (its trust must let the compute's service in; an existing role
 * is acted as directly), unary and streamed, its records written to the
 * tenant's log group with the same credentials.
 */
import * as path from "path";
import { PrivateInvocationLogging } from "../../components";
import { planStack } from "../../testing/plan-file";
import { readStackState, type StackState } from "../../verifier/pulumi-formats";
import { check, errorText, guardrailFields, ROOT, withEnv, withTwin, type ExportedTenant, type Expectation } from "./check-context";

const COMPUTES = [
    { compute: "lambda", service: "lambda.amazonaws.com" },
    { compute: "ecs", service: "ecs-tasks.amazonaws.com" },
    { compute: "ec2", service: "ec2.amazonaws.com" },
    { compute: "existing-role", service: undefined },
] as const;

async function planCustomer(tenant: ExportedTenant, compute: string): Promise<StackState> {
    const stack = `${tenant.tenantId}-${compute}`;
    const doc = await planStack(() => {
        const logging = new PrivateInvocationLogging(tenant.tenantId, {
            tenantId: tenant.tenantId,
            opsRoleArn: tenant.roleArn,
            externalId: tenant.externalId,
            bedrockRegion: tenant.region,
            allowedModels: tenant.allowedModels,
            modelRoutes: tenant.inferenceProfileArns,
            compute: compute as "lambda",
            ...(compute === "existing-role" ? { existingRoleName: tenant.runtimeRoleName } : {}),
        });
        return { logGroupName: logging.logGroupName };
    }, { project: "bedrock-tenancy", stack, account: tenant.accounts[0], region: tenant.region });
    return readStackState(`${stack} (planned under the shipped mocks)`, JSON.stringify(doc));
}

export function computeExpectations(ops: StackState[], tenants: ExportedTenant[]): Expectation[] {
    return tenants.flatMap((tenant) => COMPUTES.map(({ compute, service }) => ({
        name: `createTenantChatModel as ${tenant.tenantId}'s ${compute} runtime role: a call and a stream succeed and both records reach its log group`,
        run: async () => {
            const customer = await planCustomer(tenant, compute);
            const runtime = require(path.join(ROOT, "dist", "runtime", "index.js")) as typeof import("../../runtime");
            await withTwin([...ops, customer], async (twin) => {
                const roleArn = `arn:aws:iam::${tenant.accounts[0]}:role/${tenant.runtimeRoleName}`;
                const group = twin.model.logGroups.find((g) => g.account === tenant.accounts[0]);
                check(group, `the ${compute} plan of ${tenant.tenantId} has no log group`);
                const credentials = await twin.credentialsFor(roleArn, service ? { service } : {});
                await withEnv(twin.env(credentials, tenant.region), async () => {
                    const sink = new runtime.CloudWatchLogsSink({ logGroupName: group.name, onWarning: () => undefined });
                    const model = runtime.createTenantChatModel({
                        sink, env: {}, tenantId: tenant.tenantId, opsRoleArn: tenant.roleArn, externalId: tenant.externalId,
                        allowedModels: tenant.allowedModels, defaultModel: tenant.allowedModels[0], modelRoutes: tenant.inferenceProfileArns, bedrockRegion: tenant.region,
                        modelFields: guardrailFields(tenant),
                    });
                    try {
                        await model.invoke("Summarise the contract.", { metadata: { userId: "user-17", requestId: "twin-unary" } });
                        let text = "";
                        for await (const chunk of await model.stream("Write a haiku.", { metadata: { userId: "user-17", requestId: "twin-stream" } })) text += typeof chunk.content === "string" ? chunk.content : JSON.stringify(chunk.content);
                        check(text.length > 0, "the stream produced no text");
                    } catch (err) {
                        throw new Error(`the model call failed: ${errorText(err)}`);
                    } finally {
                        await model.auditLogger.flush();
                        await sink.close();
                    }
                });
                const records = twin.logs.records(group.name);
                const outcomes = ["twin-unary", "twin-stream"].map((id) => records.find((r) => r.clientRequestId === id)?.outcome);
                check(outcomes.every((o) => o === "success"), `records: ${JSON.stringify(outcomes)}; refused log writes: ${JSON.stringify(twin.logs.requests.filter((r) => r.refusal).map((r) => r.refusal!.message))}`);
            });
        },
    })));
}
