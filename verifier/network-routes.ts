/**
 * Where a VPC's routes may send its traffic. A route leaves the VPC through
 * its target, and only a few targets keep what it sends in the account or
 * hand it to the internet or an AWS service: the VPC itself (`local`) and an
 * internet gateway, NAT gateway, egress-only internet gateway or VPC endpoint
 * the stack creates (an endpoint is proved where it is declared). Every other
 * target, and one of those kinds the stack does not create, leads where
 * another account can be: a virtual private gateway (VPN or Direct Connect
 * to another network), a peering connection, a transit gateway, a Cloud WAN
 * core network, an Outposts local gateway, a carrier gateway, a network
 * interface or instance (an appliance forwards whatever reaches it), a
 * Gateway Load Balancer endpoint another account's service stands behind.
 * A route's property the proof does not know is taken for a target too.
 */
import { asText, isSet, prop, UNKNOWN_VALUE, type StackResource } from "./pulumi-formats";

export const ROUTE_TYPE = "aws:ec2/route:Route";
export const ROUTE_TABLE_TYPE = "aws:ec2/routeTable:RouteTable";

const INTERNET_GATEWAY_TYPE = "aws:ec2/internetGateway:InternetGateway";
const NAT_GATEWAY_TYPE = "aws:ec2/natGateway:NatGateway";
const EGRESS_ONLY_GATEWAY_TYPE = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway";
const VPC_ENDPOINT_TYPE = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** Target property → the type of the stack's own resource it may name. */
const LOCAL_TARGETS: Readonly<Record<string, string>> = {
    gatewayId: INTERNET_GATEWAY_TYPE,
    natGatewayId: NAT_GATEWAY_TYPE,
    egressOnlyGatewayId: EGRESS_ONLY_GATEWAY_TYPE,
    vpcEndpointId: VPC_ENDPOINT_TYPE,
};

/** What a route's target property joins the VPC to, for the message. */
const TARGET_NOUNS: Readonly<Record<string, string>> = {
    gatewayId: "not an internet gateway the stack creates (a virtual private gateway links the VPC by VPN or Direct Connect to another network)",
    natGatewayId: "a NAT gateway the stack does not create",
    egressOnlyGatewayId: "an egress-only internet gateway the stack does not create",
    vpcEndpointId: "a VPC endpoint the stack does not create (a Gateway Load Balancer endpoint sends the traffic to whatever service stands behind it)",
    networkInterfaceId: "a network interface, whose instance or appliance forwards whatever reaches it",
    instanceId: "an instance, which forwards whatever reaches it",
    vpcPeeringConnectionId: "a VPC peering connection, a network another account can hold",
    transitGatewayId: "a transit gateway, which RAM shares between accounts",
    coreNetworkArn: "a Cloud WAN core network, which joins networks of other accounts",
    localGatewayId: "an Outposts local gateway, which joins the on-premises network",
    carrierGatewayId: "a carrier gateway, which joins a telecommunication carrier's network",
};

/**
 * A route's properties that are not where it sends: its destination, its
 * table, its Region, what AWS reports about it (`origin`, `state`, the owner
 * of an interface's instance) and Pulumi's own bookkeeping.
 */
export const NOT_TARGETS: ReadonlySet<string> = new Set([
    "cidrBlock", "ipv6CidrBlock", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId",
    "routeTableId", "region", "origin", "state", "instanceOwnerId", "id", "urn", "timeouts", "__defaults", "__meta",
]);

/** Ids of the stack's own gateways and endpoints, by type: what a route may target. */
export function localTargets(own: readonly StackResource[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const r of own) {
        if (!Object.values(LOCAL_TARGETS).includes(r.type)) continue;
        const ids = out.get(r.type) ?? new Set<string>();
        for (const id of [r.id, prop(r, "id")]) if (typeof id === "string" && id !== "" && id !== UNKNOWN_VALUE) ids.add(id);
        out.set(r.type, ids);
    }
    return out;
}

/**
 * Why each route of `r` (a route, or a route table's inline `routes` and
 * `propagatingVgws`) leads outside the account, `[property, why]` each;
 * `routes` holds the table's routes as blocks, or why they cannot be read.
 */
export function routesOutOfAccount(r: StackResource, routes: { blocks: Record<string, unknown>[] } | { problem: string } | undefined, targets: Map<string, Set<string>>): [string, string][] {
    const out: [string, string][] = [];
    const judge = (route: Record<string, unknown>, at: string) => {
        const destination = route.destinationCidrBlock ?? route.cidrBlock ?? route.destinationIpv6CidrBlock ?? route.ipv6CidrBlock ?? route.destinationPrefixListId ?? "(a destination)";
        for (const key of Object.keys(route)) {
            const target = route[key];
            // An unknown is reported by the check of values unknown at preview.
            if (NOT_TARGETS.has(key) || !isSet(target) || target === UNKNOWN_VALUE) continue;
            if (key === "gatewayId" && target === "local") continue;
            const local = LOCAL_TARGETS[key];
            if (local !== undefined && typeof target === "string" && targets.get(local)?.has(target)) continue;
            const noun = TARGET_NOUNS[key] ?? "a target the proof does not know";
            out.push([`${at}${key}`, `routes ${JSON.stringify(destination)} to ${JSON.stringify(target)} (${key}), ${noun}: it can lead to another account, and what the VPC sends there leaves the account whatever its IAM policies say`]);
        }
    };
    if (r.type === ROUTE_TYPE) {
        judge({ ...r.outputs, ...r.inputs }, "");
        return out;
    }
    if (routes === undefined || "problem" in routes) out.push(["routes", `${routes?.problem ?? "holds no routes the proof can read"}: where the VPC's traffic goes cannot be proved`]);
    else routes.blocks.forEach((route, i) => judge(route, `routes[${i}].`));
    const propagating = prop(r, "propagatingVgws");
    if (isSet(propagating) && propagating !== UNKNOWN_VALUE) {
        out.push(["propagatingVgws", `takes the routes of the virtual private gateways ${asText(propagating)}: their VPN and Direct Connect links lead to networks outside the account`]);
    }
    return out;
}
