/**
 * Which resources belong to a tenant. A resource's URN carries the type of
 * every ancestor (`urn:pulumi:STACK::PROJECT::Parent$Child$aws:iam/role:Role::NAME`),
 * so a resource validation sees the component that owns it (however deeply
 * nested) without needing the whole stack.
 */
import { OPS_ROLE_PREFIX } from "../../contract/naming";

/** Types from the outermost ancestor to the resource itself; empty for a malformed URN. */
export function urnTypeChain(urn: string): string[] {
    // Stack and project names cannot contain "::"; the resource name may.
    const parts = urn.split("::");
    return parts.length >= 4 ? parts[2].split("$") : [];
}

/** True when some ancestor of the resource named by `urn` is of `componentType`. */
export function isWithinComponent(urn: string, componentType: string): boolean {
    return urnTypeChain(urn).slice(0, -1).includes(componentType);
}

/** True for a role name (or name prefix) that `opsRoleName` produces. */
export function isTenantRoleName(name: unknown): boolean {
    return typeof name === "string" && name.startsWith(OPS_ROLE_PREFIX);
}
