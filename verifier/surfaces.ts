/**
 * Inference and persistence surfaces of Bedrock outside the two invoke
 * actions. A tenant role never reaches any of them; the permissions reducer
 * names the surface when a grant does, so the finding says what it opens.
 */
import { actionMatches } from "../contract";

export interface Surface {
    /** Action patterns of the surface. */
    actions: string[];
    what: string;
}

export const FORBIDDEN_SURFACES: readonly Surface[] = [
    { actions: ["bedrock-mantle:*"], what: "the OpenAI-compatible inference endpoint (bedrock-mantle), with its own IAM prefix" },
    { actions: ["bedrock:CallWithBearerToken", "bedrock-mantle:CallWithBearerToken"], what: "Bedrock API keys (bearer tokens)" },
    { actions: ["iam:CreateServiceSpecificCredential"], what: "long-term Bedrock API keys (IAM service-specific credentials)" },
    { actions: ["aws-external-anthropic:*"], what: "Claude Platform on AWS" },
    { actions: ["bedrock:CreateModelInvocationJob", "bedrock:StartAsyncInvoke"], what: "batch and async invocation, which write outputs to S3 of the ops account" },
    { actions: ["bedrock:PutModelInvocationLoggingConfiguration", "bedrock:DeleteModelInvocationLoggingConfiguration"], what: "Bedrock invocation logging, which keeps prompts in the ops account" },
    { actions: ["bedrock:CreatePrompt*", "bedrock:UpdatePrompt", "bedrock:InvokeAgent", "bedrock:CreateAgent*", "bedrock:UpdateAgent*", "bedrock:Retrieve", "bedrock:RetrieveAndGenerate*", "bedrock:CreateKnowledgeBase", "bedrock:UpdateKnowledgeBase", "bedrock:StartIngestionJob", "bedrock:RenderPrompt", "bedrock:InvokeFlow"], what: "prompt, agent, flow and knowledge-base management and use, which keep content in the ops account" },
    { actions: ["bedrock:CreateModelCustomizationJob", "bedrock:CreateEvaluationJob", "bedrock:CreateModelImportJob"], what: "customization, evaluation and import jobs, which read and write data in the ops account" },
];

/** The surfaces an action pattern of a grant can reach (a pattern such as `bedrock:*` reaches several). */
export function surfacesOf(pattern: string): Surface[] {
    return FORBIDDEN_SURFACES.filter((s) => s.actions.some((a) => actionMatches(pattern, a.replace(/\*$/, "X")) || actionMatches(a, pattern)));
}
