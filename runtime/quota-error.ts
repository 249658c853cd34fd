import { COST_CAP_SID, QUOTA_BLOCK_POLICY_NAME, QUOTA_BLOCK_SID } from "../contract";

/**
 * Deciding whether Bedrock refused a call because the tenant's quota or cost
 * cap blocked its ops role, rather than for any other access reason.
 *
 * Bedrock answers both with the same `AccessDeniedException` (HTTP 403); only
 * the message differs, and the message is never copied into a record or an
 * answer: only the verdict below travels. The decision, in order:
 * 1. not an AccessDeniedException: not a quota block;
 * 2. the message names the enforcer's policy (`bedrock-tenancy-quota-block`),
 *    its statement (`TokenQuotaExhausted`), the cost-cap policy or statement:
 *    a quota block, certainly;
 * 3. the message names a guardrail (the `bedrock:GuardrailIdentifier`
 *    condition, the `DenyWithoutGuardrail` statement, a guardrail ARN): the
 *    guardrail rule refused it, an ordinary access denial;
 * 4. the message says the deny is explicit *in an identity-based policy* and
 *    names no policy: a quota block, by elimination. The tenant role's only
 *    other explicit denies are the guardrail rule and the direct-model rule.
 *    The deploy side hands the guardrail the role requires to the runtime
 *    (`guardrailArn`/`guardrailVersion`), which sends it with every call and
 *    refuses a model set up with another one, and calls go through the
 *    tenant's own profile, so neither fires for a correctly deployed pair;
 * 5. anything else (no policy allows it, a deny in an SCP, RCP, permissions
 *    boundary or session policy, an unknown wording): an ordinary access denial.
 *
 * What remains ambiguous: in case 4, a guardrail or model route that does not
 * match the ops stack's policy (drift between the two stacks, such as a
 * customer stack deployed before its ops stack exported the guardrail) also
 * reads as a quota block; and if AWS rewords its messages, case 4 stops
 * matching and blocks are reported as ordinary access denials (never the reverse).
 */

/** The record's `errorCode` and the caller's `error.code` for a quota block. */
export const QUOTA_EXHAUSTED_ERROR_CODE = "TenantQuotaExhausted";

export const QUOTA_EXHAUSTED_MESSAGE = "the tenant's Bedrock quota is exhausted (token quota or cost cap); calls resume when the period rolls over or the quota is raised";

const NAMED_BLOCKS = [QUOTA_BLOCK_POLICY_NAME, QUOTA_BLOCK_SID, COST_CAP_SID, "BedrockTenancyCostCap-"];
const EXPLICIT_IDENTITY_DENY = /with an explicit deny in an identity-based policy/i;
/** Any mention of a guardrail: the condition key, the statement or a guardrail ARN all contain the word. */
const GUARDRAIL_RULE = /guardrail/i;
const ELSEWHERE = /service control policy|resource control policy|permissions boundary|session policy|resource-based policy/i;

/** `QUOTA_EXHAUSTED_ERROR_CODE` when `err` is Bedrock refusing a blocked tenant, else undefined. */
export function quotaErrorCode(err: unknown): string | undefined {
    if (typeof err !== "object" || err === null) return undefined;
    const { name, message } = err as { name?: unknown; message?: unknown };
    if (name !== "AccessDeniedException" || typeof message !== "string") return undefined;
    if (NAMED_BLOCKS.some((n) => message.includes(n))) return QUOTA_EXHAUSTED_ERROR_CODE;
    if (GUARDRAIL_RULE.test(message)) return undefined;
    if (EXPLICIT_IDENTITY_DENY.test(message) && !ELSEWHERE.test(message) && !/:policy\//.test(message)) return QUOTA_EXHAUSTED_ERROR_CODE;
    return undefined;
}
