/**
 * The AWS Region a resource is deployed to, as its file says, read one way
 * for every check. Each check decides for itself what a Region the file does
 * not know means, in the direction its own proof needs: a name may clash
 * with any Region, a read excuses a duplicate only in a Region known to be
 * its own.
 */
import { knownText, prop, resourcesByUrn, type StackResource, type StackState } from "./pulumi-formats";

const AWS_PROVIDER_TYPE = "pulumi:providers:aws";
/** What a preview writes for a configuration value held as a secret. */
const BLINDED_SECRET = "[secret]";

/**
 * The resource's own `region` (pulumi-aws 7 takes one per resource), else its
 * AWS provider's, else the stack's `aws:region` configuration, which a
 * preview carries for the default provider it does not list. Undefined when
 * the file does not say. A setting that is present but not known ends the
 * reading there: the Region is that setting's, not the next one's.
 */
export function resourceRegion(state: StackState, r: StackResource): string | undefined {
    return regionReading(state, r).region;
}

/**
 * {@link resourceRegion}, and whether the file sets the Region at all
 * (`said`): set but not known (a value not known at preview, a blinded
 * configuration, a provider of another package) is `said` without a
 * `region`. A file that says nothing leaves the Region to the deployer's
 * environment, which no file records.
 */
export function regionReading(state: StackState, r: StackResource): { said: boolean; region?: string } {
    const own = prop(r, "region");
    if (own !== undefined) return { said: true, region: knownText(own) };
    const cut = r.provider?.lastIndexOf("::") ?? -1;
    const provider = cut > 0 ? resourcesByUrn(state).get(r.provider!.slice(0, cut)) : undefined;
    if (provider !== undefined) {
        // Another package's provider deploys by settings of its own, which say nothing of an AWS Region.
        if (provider.type !== AWS_PROVIDER_TYPE) return { said: true };
        const region = prop(provider, "region");
        if (region !== undefined) return { said: true, region: knownText(region) };
    }
    const configured = state.config?.["aws:region"];
    if (configured === undefined) return { said: false };
    return { said: true, region: configured === BLINDED_SECRET ? undefined : knownText(configured) };
}

/** Whether the resource sets a Region of its own, known or not. */
export function setsOwnRegion(r: StackResource): boolean {
    return prop(r, "region") !== undefined;
}
