/**
 * Inference and persistence surfaces of Bedrock outside the two invoke
 * actions. A tenant role never reaches any of them; the permissions reducer
 * names the surface when a grant does, so the finding says what it opens.
 * Every other principal of the ops account calls no model at all (the
 * escalation check), and no principal of any account may turn on invocation
 * logging.
 */
import { actionMatches, coversAction, coversEveryValueWith, parsePolicy, type PolicyStatement } from "../contract";
import type { AccountIam, IamPrincipal, PolicySource } from "./iam-graph";

export interface Surface {
    /** Action patterns of the surface. */
    actions: string[];
    what: string;
}

const MANTLE: Surface = { actions: ["bedrock-mantle:*"], what: "the OpenAI-compatible inference endpoint (bedrock-mantle), with its own IAM prefix" };
const BEARER_TOKENS: Surface = { actions: ["bedrock:CallWithBearerToken", "bedrock-mantle:CallWithBearerToken"], what: "Bedrock API keys (bearer tokens)" };
const ANTHROPIC: Surface = { actions: ["aws-external-anthropic:*"], what: "Claude Platform on AWS" };

export const FORBIDDEN_SURFACES: readonly Surface[] = [
    MANTLE,
    BEARER_TOKENS,
    { actions: ["iam:CreateServiceSpecificCredential"], what: "long-term Bedrock API keys (IAM service-specific credentials)" },
    ANTHROPIC,
    { actions: ["bedrock:CreateModelInvocationJob", "bedrock:StartAsyncInvoke"], what: "batch and async invocation, which write outputs to S3 of the ops account" },
    { actions: ["bedrock:PutModelInvocationLoggingConfiguration", "bedrock:DeleteModelInvocationLoggingConfiguration"], what: "Bedrock invocation logging, which keeps prompts in the ops account" },
    { actions: ["bedrock:CreatePrompt*", "bedrock:UpdatePrompt", "bedrock:InvokeAgent", "bedrock:CreateAgent*", "bedrock:UpdateAgent*", "bedrock:Retrieve", "bedrock:RetrieveAndGenerate*", "bedrock:CreateKnowledgeBase", "bedrock:UpdateKnowledgeBase", "bedrock:StartIngestionJob", "bedrock:RenderPrompt", "bedrock:InvokeFlow"], what: "prompt, agent, flow and knowledge-base management and use, which keep content in the ops account" },
    { actions: ["bedrock:CreateModelCustomizationJob", "bedrock:CreateEvaluationJob", "bedrock:CreateModelImportJob"], what: "customization, evaluation and import jobs, which read and write data in the ops account" },
];

/**
 * Every way to have a model called, for principals that are not tenant roles:
 * each is a path around the tenant roles' entitlement, guardrail, metering and
 * quotas. `bedrock:Invoke*` covers the invoke actions (Converse is authorized
 * as InvokeModel), agents, inline agents and flows, and any invoke action
 * added later. Minting long-term API keys is an IAM write, and batch and
 * async jobs keep outputs in the account: the escalation check refuses them
 * as such.
 */
export const MODEL_CALLS: readonly Surface[] = [
    { actions: ["bedrock:Invoke*", "bedrock:RetrieveAndGenerate*"], what: "Bedrock models (directly, or through agents, flows and knowledge bases)" },
    MANTLE,
    BEARER_TOKENS,
    ANTHROPIC,
    // Agent runtimes, gateways and memory call models with roles of their own, outside every tenant role.
    { actions: ["bedrock-agentcore:Invoke*", "bedrock-agentcore:Create*", "bedrock-agentcore:Update*", "bedrock-agentcore:Start*", "bedrock-agentcore:Batch*", "bedrock-agentcore:Put*"], what: "Bedrock AgentCore (agent runtimes, gateways and memory, which call models)" },
];

/** The surfaces an action pattern of a grant can reach (a pattern such as `bedrock:*` reaches several). */
export function surfacesOf(pattern: string, surfaces: readonly Surface[] = FORBIDDEN_SURFACES): Surface[] {
    return surfaces.filter((s) => s.actions.some((a) => actionMatches(pattern, a.replace(/\*$/, "X")) || actionMatches(a, pattern)));
}

/**
 * The surfaces an Allow statement can reach: through any of its action
 * patterns, or through a NotAction that leaves some action of the surface out
 * of its list.
 */
export function surfacesReached(s: PolicyStatement, surfaces: readonly Surface[]): Surface[] {
    if (s.notActions === undefined) return surfaces.filter((surface) => (s.actions ?? []).some((p) => surfacesOf(p, [surface]).length > 0));
    const excluded = (a: string) => s.notActions!.some((n) => (a.endsWith("*") ? coversEveryValueWith(n, a.slice(0, -1), true) : actionMatches(n, a)));
    return surfaces.filter((surface) => surface.actions.some((a) => !excluded(a)));
}

/** The action that turns Bedrock invocation logging on: every prompt and response of the account kept where its configuration says. */
export const INVOCATION_LOGGING_ON = "bedrock:PutModelInvocationLoggingConfiguration";

/**
 * Every Allow of a principal's policies (other than those `skip` leaves to
 * another check) that lets it turn on Bedrock invocation logging, in any
 * account: configured at run time, it keeps prompts as surely as a stack
 * that configures it. A policy not in the files or unreadable is left to the
 * checks that already refuse it.
 */
export function invocationLoggingGrants(iam: AccountIam, skip: (p: IamPrincipal) => boolean): { principal: IamPrincipal; source: PolicySource; statement: PolicyStatement }[] {
    const out: { principal: IamPrincipal; source: PolicySource; statement: PolicyStatement }[] = [];
    for (const principal of iam.principals) {
        if (skip(principal)) continue;
        for (const source of principal.policies) {
            if (source.document === undefined) continue;
            const parsed = parsePolicy(source.document);
            if ("problem" in parsed) continue;
            for (const statement of parsed.statements) if (statement.effect === "Allow" && coversAction(statement, INVOCATION_LOGGING_ON)) out.push({ principal, source, statement });
        }
    }
    return out;
}
