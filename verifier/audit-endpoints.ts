/**
 * The VPC endpoints the runtime's audit writes travel through. An endpoint
 * policy is one more policy every request through the endpoint must pass:
 * one that denies the runtime's writes, or allows only other actions,
 * silences the trail while the runtime goes on calling Bedrock. The S3
 * endpoints carry the archive writes (a gateway endpoint by its routes, an
 * interface endpoint by its names); a CloudWatch Logs interface endpoint with
 * private DNS takes the standard Logs host name in its VPC, so it carries the
 * log writes. Key use for the archive is S3's own call to KMS, made outside
 * the VPC: a KMS endpoint is not on the path.
 */
import { parsePolicy } from "../contract";
import { managed } from "./account-egress";
import { askedEndpoints } from "./awsx-vpc";
import { allows, denies, type Write } from "./audit-statements";
import type { CustomerContext } from "./customer-account";
import type { Code } from "./findings";
import { prop, UNKNOWN_VALUE, staysInStack, type StackResource } from "./pulumi-formats";

const ENDPOINT_TYPE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const CODE: Code = "BT-CUSTOMER-AUDIT-REMOVAL";

type Flag = (code: Code, r: StackResource, statement: string, why: string) => void;

/** The runtime's audit writes, by the service each is sent to. */
export interface EndpointWrites {
    logs: Write[];
    s3: Write[];
}

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && v !== UNKNOWN_VALUE;

/** Every endpoint of the component's network, or of a VPC the files cannot name, must allow the writes it carries and deny none. */
export function endpointPolicies(ctx: CustomerContext, writes: EndpointWrites, report: Flag): void {
    const { state, customer } = ctx;
    // An endpoint an awsx Vpc asks for is found on the Vpc, at the spec that asks for it.
    const asked = new Map(askedEndpoints(state).map((a) => [a.endpoint, a]));
    const endpoints = [...managed(state).filter((x) => x.type === ENDPOINT_TYPE), ...asked.keys()].filter(staysInStack);
    const own = endpoints.filter((e) => within(ctx, e, customer.urn));
    const vpcs = new Set(own.map((e) => prop(e, "vpcId")).filter(known));
    for (const e of endpoints.filter((x) => own.includes(x) || !known(prop(x, "vpcId")) || vpcs.has(prop(x, "vpcId") as string))) {
        const spec = asked.get(e);
        const flag: Flag = spec ? (code, _r, statement, why) => report(code, spec.vpc, `${spec.at}.${statement}`, why) : report;
        const carried = carriedWrites(e, writes);
        if (carried.length === 0) continue;
        const policy = prop(e, "policy");
        if (policy === undefined || policy === null || policy === "" || policy === UNKNOWN_VALUE) continue;
        const service = known(prop(e, "serviceName")) ? (prop(e, "serviceName") as string) : "its service";
        const parsed = parsePolicy(policy);
        if ("problem" in parsed) {
            flag(CODE, e, "policy", `has an endpoint policy the proof cannot read (it ${parsed.problem}): whether the runtime may still write its audit records through it cannot be proved`);
            continue;
        }
        for (const s of parsed.statements) for (const w of carried) denies(s, w, "resource", (why) => flag(CODE, e, s.label, `denies, on the runtime's path to ${service}, ${why}`));
        for (const w of carried) {
            if (!parsed.statements.some((s) => allows(s, w, "resource"))) flag(CODE, e, "policy", `has an endpoint policy that does not allow the runtime to ${w.what} (${w.actions.join(", ")}): on the runtime's path to ${service} its audit writes are refused while the calls go on`);
        }
    }
}

/** The writes an endpoint carries: one whose service the files do not name could be either. */
function carriedWrites(e: StackResource, writes: EndpointWrites): Write[] {
    const service = prop(e, "serviceName");
    if (!known(service)) return [...writes.logs, ...writes.s3];
    if (service.endsWith(".s3")) return writes.s3;
    // Without private DNS the standard Logs host name does not resolve to the endpoint: the runtime's calls do not pass it.
    const dns = prop(e, "privateDnsEnabled");
    if (service.endsWith(".logs") && (dns === true || dns === "true" || dns === UNKNOWN_VALUE)) return writes.logs;
    return [];
}

/** Whether `r` lies inside the resource `ancestor` (its component). */
function within(ctx: CustomerContext, r: StackResource, ancestor: string): boolean {
    const seen = new Set<string>();
    for (let at = r.parent; at !== undefined && !seen.has(at); at = ctx.state.resources.find((x) => x.urn === at)?.parent) {
        if (at === ancestor) return true;
        seen.add(at);
    }
    return false;
}
