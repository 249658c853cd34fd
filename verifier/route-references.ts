/**
 * What a VPC's routing names by id. A route, a route table's inline route
 * and an association say where traffic goes only through the table, subnet,
 * gateway or endpoint they name; one that the stack's file does not hold is
 * something no check has read (an endpoint whose policy and service were
 * never proved, a table whose other routes lead anywhere), so the reference
 * is unresolved, whatever the egress checks say of its kind.
 */
import { blocksOf } from "./account-egress";
import { AWSX_VPC_TYPE } from "./awsx-vpc";
import { violation, type Violation } from "./findings";
import { NOT_TARGETS, ROUTE_TABLE_TYPE, ROUTE_TYPE } from "./network-routes";
import { isSet, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

const ROUTE_TABLES = [ROUTE_TABLE_TYPE, "aws:ec2/defaultRouteTable:DefaultRouteTable"];
const ENDPOINTS = ["aws:ec2/vpcEndpoint:VpcEndpoint"];
const SUBNET_TYPE = "aws:ec2/subnet:Subnet";

/** Property naming a resource by id (or ARN) → the types it may name, and the noun for the message. */
const REFERENCES: Readonly<Record<string, { types: readonly string[]; noun: string }>> = {
    routeTableId: { types: ROUTE_TABLES, noun: "route table" },
    subnetId: { types: [SUBNET_TYPE, "aws:ec2/defaultSubnet:DefaultSubnet"], noun: "subnet" },
    gatewayId: { types: ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/vpnGateway:VpnGateway"], noun: "gateway" },
    natGatewayId: { types: ["aws:ec2/natGateway:NatGateway"], noun: "NAT gateway" },
    egressOnlyGatewayId: { types: ["aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"], noun: "egress-only internet gateway" },
    vpcEndpointId: { types: ENDPOINTS, noun: "VPC endpoint" },
    networkInterfaceId: { types: ["aws:ec2/networkInterface:NetworkInterface"], noun: "network interface" },
    instanceId: { types: ["aws:ec2/instance:Instance"], noun: "instance" },
    vpcPeeringConnectionId: { types: ["aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"], noun: "peering connection" },
    transitGatewayId: { types: ["aws:ec2transitgateway/transitGateway:TransitGateway"], noun: "transit gateway" },
    coreNetworkArn: { types: ["aws:networkmanager/coreNetwork:CoreNetwork"], noun: "core network" },
    carrierGatewayId: { types: ["aws:ec2/carrierGateway:CarrierGateway"], noun: "carrier gateway" },
    // Outposts local gateways are AWS's, never a stack's: no type can resolve one.
    localGatewayId: { types: [], noun: "local gateway" },
};

const ASSOCIATIONS: Readonly<Record<string, { required: readonly string[]; optional: readonly string[] }>> = {
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { required: ["routeTableId"], optional: ["subnetId", "gatewayId"] },
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": { required: ["routeTableId", "vpcEndpointId"], optional: [] },
};

/** What an awsx Vpc reports of the subnets it made, which a plan written under mocks holds as no resource of their own. */
const AWSX_SUBNET_OUTPUTS = ["publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds"];

/** Every id (and ARN) a resource of the file answers to, by type. */
function idsByType(state: StackState): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const add = (type: string, id: unknown) => {
        if (typeof id !== "string" || id === "" || id === UNKNOWN_VALUE) return;
        const ids = out.get(type) ?? new Set<string>();
        ids.add(id);
        out.set(type, ids);
    };
    for (const r of state.resources) {
        for (const id of [r.id, prop(r, "id"), prop(r, "arn")]) add(r.type, id);
        if (r.type === AWSX_VPC_TYPE) for (const key of AWSX_SUBNET_OUTPUTS) for (const id of [r.outputs[key]].flat()) add(SUBNET_TYPE, id);
    }
    return out;
}

/** Every reference of the stack's routes and route associations to a table, subnet, gateway, endpoint or other target its file does not hold. */
export function routeReferenceViolations(state: StackState): Violation[] {
    const out: Violation[] = [];
    let ids: Map<string, Set<string>> | undefined;
    const held = (key: string, ref: string) => (REFERENCES[key]?.types ?? []).some((t) => (ids ??= idsByType(state)).get(t)?.has(ref));
    const check = (r: StackResource, key: string, ref: unknown, at: string, required: boolean) => {
        // An unknown is reported by the check of values unknown at preview.
        if (ref === UNKNOWN_VALUE || (!required && !isSet(ref))) return;
        if (key === "gatewayId" && ref === "local") return;
        if (typeof ref === "string" && ref !== "" && held(key, ref)) return;
        const noun = REFERENCES[key]?.noun ?? "target";
        const why = isSet(ref) ? `names the ${noun} ${JSON.stringify(ref)} (${key}), which is not in this stack's file` : `names no ${noun} (${key})`;
        out.push(violation("BT-PLAN-UNRESOLVED", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, at, `${why}: where the traffic it routes goes cannot be proved`));
    };
    const routeTargets = (r: StackResource, route: Record<string, unknown>, at: string) => {
        for (const key of Object.keys(route)) if (!NOT_TARGETS.has(key)) check(r, key, route[key], `${at}${key}`, false);
    };
    for (const r of state.resources) {
        if (r.type === ROUTE_TYPE) {
            const route = { ...r.outputs, ...r.inputs };
            check(r, "routeTableId", route.routeTableId, "routeTableId", true);
            routeTargets(r, route, "");
        } else if (r.type === ROUTE_TABLE_TYPE) {
            const routes = blocksOf(prop(r, "routes"));
            // Routes the proof cannot read are the egress checks' finding already.
            if (!("problem" in routes)) routes.blocks.forEach((route, i) => routeTargets(r, route, `routes[${i}].`));
        } else if (ASSOCIATIONS[r.type] !== undefined) {
            const { required, optional } = ASSOCIATIONS[r.type];
            for (const key of required) check(r, key, prop(r, key), key, true);
            for (const key of optional) check(r, key, prop(r, key), key, false);
        }
    }
    return out;
}
