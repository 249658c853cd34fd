/**
 * awsx's Vpc is a component whose plugin creates its children from its
 * inputs: the VPC, subnets, route tables, internet and NAT gateways, and the
 * endpoints `vpcEndpointSpecs` asks for. A plan written under mocks records
 * none of those children, so what the inputs ask for is proved from the
 * inputs: each endpoint spec is read as the `aws:ec2/vpcEndpoint` resource
 * it becomes, by the same checks, and an input the proof does not know may
 * ask for children nobody proved.
 */
import { isRecord } from "../contract";
import { resourceRegion } from "./resource-region";
import { jsonValue, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

export const AWSX_VPC_TYPE = "awsx:ec2:Vpc";
const VPC_ENDPOINT_TYPE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ENDPOINT_SPECS = "vpcEndpointSpecs";

/**
 * Inputs that shape only the VPC's own addressing, subnets, DNS, tags and
 * gateways to the internet (which the network checks allow a stack's VPC),
 * as awsx 3 defines them; `vpcEndpointSpecs` is read on its own.
 */
const LAYOUT_INPUTS: ReadonlySet<string> = new Set([
    "cidrBlock", "numberOfAvailabilityZones", "availabilityZoneNames", "availabilityZoneCidrMask", "subnetSpecs", "subnetStrategy", "subnetNameTagStrategy",
    "natGateways", "enableDnsHostnames", "enableDnsSupport", "enableNetworkAddressUsageMetrics", "instanceTenancy",
    "assignGeneratedIpv6CidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6CidrBlock", "ipv6CidrBlockNetworkBorderGroup", "ipv6IpamPoolId", "ipv6NetmaskLength",
    "tags", "region", "vpcEndpointStrategy", ENDPOINT_SPECS,
]);

/**
 * What awsx 3's Vpc reports of what it created (and `availabilityZones`,
 * which plans written under mocks record): where the engine gives one bag of
 * properties (a policy pack once the Vpc is deployed), these sit beside the
 * inputs, and they ask the plugin for nothing.
 */
const VPC_OUTPUTS: ReadonlySet<string> = new Set([
    "vpc", "vpcId", "subnets", "subnetLayout", "publicSubnets", "publicSubnetIds", "privateSubnets", "privateSubnetIds", "isolatedSubnets", "isolatedSubnetIds",
    "routeTables", "routeTableAssociations", "routes", "internetGateway", "eips", "vpcEndpoints", "availabilityZones",
]);

/** An endpoint an awsx Vpc asks for, as the resource its plugin would create, and where in the Vpc's inputs it is asked. */
export interface AskedEndpoint {
    vpc: StackResource;
    at: string;
    endpoint: StackResource;
}

/** `[input, why]` for each input of an awsx Vpc whose children the proof cannot read. */
export function unreadVpcInputs(vpc: StackResource): [string, string][] {
    const out: [string, string][] = [];
    // Only what the program asked for reaches the plugin: the component's outputs (its VPC and subnet ids) create nothing.
    for (const key of Object.keys(vpc.asked ?? vpc.inputs)) {
        if (!LAYOUT_INPUTS.has(key) && !(vpc.asked === undefined && VPC_OUTPUTS.has(key))) out.push([key, `asks the awsx plugin, by ${key}, for what the file does not show: the proof does not read that input, so what it creates in the account is not proved`]);
    }
    const specs = specsOf(vpc);
    if ("problem" in specs) out.push([ENDPOINT_SPECS, `asks the awsx plugin for VPC endpoints in ${specs.problem}: which services they reach, and what their policies let through, cannot be proved`]);
    return out;
}

/** Every endpoint the stack's awsx Vpcs ask for, as the resources the plugin creates. */
export function askedEndpoints(state: StackState): AskedEndpoint[] {
    return state.resources.filter((r) => r.type === AWSX_VPC_TYPE).flatMap((vpc) => endpointsOf(state, vpc));
}

/** The endpoints one awsx Vpc asks for: each spec, in the Vpc and its Region unless the spec names its own. */
export function endpointsOf(state: StackState, vpc: StackResource): AskedEndpoint[] {
    const specs = specsOf(vpc);
    if ("problem" in specs) return [];
    const vpcId = vpc.outputs.vpcId ?? UNKNOWN_VALUE;
    const region = resourceRegion(state, vpc) ?? placedRegion(state, vpcId);
    return specs.specs.map((spec, i) => ({
        vpc,
        at: `${ENDPOINT_SPECS}[${i}]`,
        endpoint: { ...vpc, type: VPC_ENDPOINT_TYPE, custom: true, parent: vpc.urn, inputs: { vpcId, ...(region === undefined ? {} : { region }), ...spec }, outputs: {} },
    }));
}

/**
 * The Region of a VPC whose own Region the file does not say (awsx deploys
 * through a provider of its own, which records none): the one Region of the
 * resources the stack places in it, since EC2 places nothing in a VPC of
 * another Region; none when they are absent or disagree.
 */
function placedRegion(state: StackState, vpcId: unknown): string | undefined {
    if (typeof vpcId !== "string" || vpcId === UNKNOWN_VALUE) return undefined;
    const regions = new Set(state.resources.filter((r) => r.custom && prop(r, "vpcId") === vpcId).map((r) => resourceRegion(state, r)));
    const [only] = regions;
    return regions.size === 1 ? only : undefined;
}

function specsOf(vpc: StackResource): { specs: Record<string, unknown>[] } | { problem: string } {
    const value = prop(vpc, ENDPOINT_SPECS);
    if (value === undefined || value === null) return { specs: [] };
    const list = typeof value === "string" ? jsonValue(value) : value;
    if (!Array.isArray(list)) return { problem: `${JSON.stringify(value)}, which is no list of endpoint specs` };
    const specs = (list as unknown[]).map((s): unknown => (typeof s === "string" ? jsonValue(s) : s));
    return specs.every(isRecord) ? { specs } : { problem: `${JSON.stringify(value)}, whose specs are not all blocks the proof can read` };
}
