/**
 * Lake Formation permissions a stack's Glue resources grant. Lake Formation
 * lets a grant name principals IAM does not hold: an IAM Identity Center
 * user or group (`arn:aws:identitystore:::group/…`, whose ARN names no
 * account), a SAML directory's users, an organization or one of its units,
 * another account, a QuickSight user. Their users could read the tables (the
 * archive's included) under no policy of the files, as a workgroup enabled
 * for IAM Identity Center would let them query it. So a grantee must be one
 * the account holds: the account itself, one of its IAM users or roles, or
 * `IAM_ALLOWED_PRINCIPALS` (IAM's own policies decide, which the proof reads).
 */
import { isAccountId, parseArn } from "../contract";
import { asText, UNKNOWN_VALUE } from "./pulumi-formats";

/** Type → the property holding its grants: `[{ permissions, principal: { dataLakePrincipalIdentifier } }]`. */
export const LAKE_FORMATION_GRANTS: Readonly<Record<string, string>> = {
    "aws:glue/catalogDatabase:CatalogDatabase": "createTableDefaultPermissions",
};

/** Lake Formation's name for "whatever IAM allows". */
const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

type Blocks = { blocks: Record<string, unknown>[] } | { problem: string };

/** Whether `principal` is a grantee of `account` itself: the account, its root, an IAM user or role of it, or IAM's own decision. */
function ownGrantee(principal: unknown, account: string): boolean {
    if (principal === IAM_ALLOWED_PRINCIPALS || principal === account) return true;
    if (typeof principal !== "string") return false;
    const arn = parseArn(principal);
    return arn !== undefined && arn.service === "iam" && isAccountId(arn.account) && arn.account === account
        && (arn.resource === "root" || arn.resource.startsWith("role/") || arn.resource.startsWith("user/"));
}

/**
 * Why the grants of property `key` reach outside `account`, `[path, why]`
 * each. `read` reads a property's blocks in every shape a file records
 * them; one it cannot read is a finding.
 */
export function foreignGrantees(grants: unknown, key: string, account: string, read: (value: unknown) => Blocks): [string, string][] {
    const out: [string, string][] = [];
    const list = read(grants);
    if ("problem" in list) return [[key, `${list.problem}: who Lake Formation lets read the tables cannot be proved`]];
    list.blocks.forEach((grant, i) => {
        const principals = read(grant.principal);
        if ("problem" in principals) {
            out.push([`${key}[${i}].principal`, `${principals.problem}: who Lake Formation lets read the tables cannot be proved`]);
            return;
        }
        for (const p of principals.blocks) {
            const who = p.dataLakePrincipalIdentifier;
            // An unknown is reported by the check of values unknown at preview.
            if (who === UNKNOWN_VALUE || ownGrantee(who, account)) continue;
            out.push([`${key}[${i}].principal.dataLakePrincipalIdentifier`, `grants Lake Formation permissions ${asText(grant.permissions ?? "(none named)")} to ${asText(who ?? "no principal")}, whose account the proof cannot establish as ${account}: an IAM Identity Center user or group, a SAML directory's users, an organization or another account could read the tables under no policy of the files`]);
        }
    });
    return out;
}
