/**
 * Which IAM actions only read. AWS rates each action's access level in the
 * Service Authorization Reference; most reads say so in their name (`Get…`,
 * `List…`, `Describe…`), so the shipped table holds only the Read and List
 * actions whose names spell no read verb (`logs:StartQuery`,
 * `sqs:ReceiveMessage`), generated from that reference by
 * scripts/generate-access-levels.ts. A name that spells a read verb stays a
 * read even where AWS rates it Write (`sts:GetFederationToken`,
 * `redshift:GetClusterCredentials` mint credentials in the caller's own
 * account), so that a pattern such as `glue:Get*` and each action it
 * matches are judged alike, and an action AWS adds later is judged by its
 * name.
 */
import { READS_WITHOUT_READ_VERB } from "./access-level-data";
import { hasWildcard } from "./wildcard";

/** How the names of most read actions start, lower case. */
export const READ_VERBS: readonly string[] = ["get", "list", "describe", "head", "search", "lookup", "query", "scan", "batchget", "batchcheck", "filter", "view", "check", "validate", "simulate", "estimate"];

const readsWithoutVerb = new Set(READS_WITHOUT_READ_VERB);

/**
 * Whether every action an action pattern (any case) can match only reads:
 * an exact name that spells a read verb or that AWS rates Read or List; a
 * pattern over names when its fixed start already spells a read verb. A
 * service wildcard is no read.
 */
export function isReadPattern(pattern: string): boolean {
    const lower = pattern.toLowerCase();
    return (readsWithoutVerb.has(lower) && !hasWildcard(lower)) || spellsReadVerb(lower);
}

/**
 * Whether every action an action pattern (any case) can match spells a read
 * verb, ignoring AWS's ratings: for a service whose reads rated by AWS still
 * carry content to a model (`bedrock:Retrieve`, `bedrock:ApplyGuardrail`),
 * only the name can say an action AWS adds later is harmless.
 */
export function spellsReadVerb(pattern: string): boolean {
    const lower = pattern.toLowerCase();
    const colon = lower.indexOf(":");
    if (colon <= 0 || hasWildcard(lower.slice(0, colon))) return false;
    const name = lower.slice(colon + 1);
    const stops = [name.indexOf("*"), name.indexOf("?"), name.indexOf("${")].filter((i) => i >= 0);
    const fixed = stops.length === 0 ? name : name.slice(0, Math.min(...stops));
    return READ_VERBS.some((v) => fixed.startsWith(v));
}
