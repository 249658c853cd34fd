import type { BedrockTenantAccessArgs } from "./args";
import { validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "./validation";

/**
 * Arguments a fleet has already resolved, keyed by the very object it passes
 * to its child: each tenant is checked once per plan, and its policies are
 * sized once, however many layers pass it on. Only an object the fleet built
 * is ever a key, so a caller's own arguments are always checked.
 */
const resolvedArgs = new WeakMap<BedrockTenantAccessArgs, ResolvedTenantAccess>();

/** Marks `args` as resolved to `resolved`; returns `args`. */
export function alreadyResolved(args: BedrockTenantAccessArgs, resolved: ResolvedTenantAccess): BedrockTenantAccessArgs {
    resolvedArgs.set(args, resolved);
    return args;
}

/** The resolution a fleet recorded for `args`, or a fresh one. */
export function resolveTenantAccess(args: BedrockTenantAccessArgs, defaultRegion: string): ResolvedTenantAccess {
    return resolvedArgs.get(args) ?? validateBedrockTenantAccessArgs(args, defaultRegion);
}

/** Whether a fleet resolved `args`, and so has checked its models against the catalogue already. */
export function resolvedByFleet(args: BedrockTenantAccessArgs): boolean {
    return resolvedArgs.has(args);
}
