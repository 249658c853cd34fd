/**
 * Routes of a VPC in the customer stack: a route may send traffic only to
 * the VPC itself or to an internet gateway, NAT gateway, egress-only
 * internet gateway or VPC endpoint the stack creates; any other target (a
 * VPN gateway, another account's endpoint, a network interface, a target the
 * proof does not know) is a path out.
 */
import * as assert from "assert";
import { addResource, editedPlan, resource, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const ROUTE = "aws:ec2/route:Route";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** The stack's own network: a route table, a subnet and a gateway of each kind a route may use, with the ids AWS gave them. */
function ownGateways(doc: StackDoc): void {
    addResource(doc, ROUTE_TABLE, "own-rt", { vpcId: "vpc-1" }, { id: "rtb-1" });
    addResource(doc, "aws:ec2/subnet:Subnet", "own-subnet", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" }, { id: "subnet-1" });
    addResource(doc, "aws:ec2/internetGateway:InternetGateway", "igw", { vpcId: "vpc-1" }, { id: "igw-0own" });
    addResource(doc, "aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-1", allocationId: "eipalloc-1" }, { id: "nat-0own" });
    addResource(doc, "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "eigw", { vpcId: "vpc-1" }, { id: "eigw-0own" });
}

describe("routes of the customer stack's VPCs", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (edit: (doc: StackDoc) => void) => verify(editedPlan(plan, "customer-a", (d) => { ownGateways(d); edit(d); }));
    const caught = (edit: (doc: StackDoc) => void, statement: string, why: RegExp) => {
        const result = run(edit);
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-EGRESS" && v.statement === statement && why.test(v.why)), result.stderr);
    };

    const outside: [string, string, RegExp][] = [
        ["gatewayId", "vgw-0a1b2c3d4e5f60718", /virtual private gateway/],
        ["gatewayId", "igw-0someoneelse", /not an internet gateway the stack creates/],
        ["vpcEndpointId", "vpce-0a1b2c3d4e5f60718", /VPC endpoint the stack does not create/],
        ["networkInterfaceId", "eni-0a1b2c3d4e5f60718", /network interface/],
        ["natGatewayId", "nat-0someoneelse", /NAT gateway the stack does not create/],
        ["egressOnlyGatewayId", "eigw-0someoneelse", /egress-only internet gateway the stack does not create/],
        ["carrierGatewayId", "cagw-0a1b2c3d", /carrier/],
        ["instanceId", "i-0a1b2c3d", /instance/],
        ["localGatewayId", "lgw-0a1b2c3d", /local gateway/],
        ["vpcPeeringConnectionId", "pcx-0abc", /another account/],
        ["someFutureTargetId", "x-0abc", /target the proof does not know/],
    ];
    for (const [key, target, why] of outside) {
        it(`finds a route to ${target} (${key})`, () => {
            caught((d) => addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", [key]: target }), key, why);
        });
        it(`finds a route table's inline route to ${target} (${key})`, () => {
            caught((d) => addResource(d, ROUTE_TABLE, "rt", { vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0", [key]: target }] }), `routes[0].${key}`, why);
        });
    }

    it("finds a route table that takes a virtual private gateway's routes", () => {
        caught((d) => addResource(d, ROUTE_TABLE, "rt", { vpcId: "vpc-1", propagatingVgws: ["vgw-0a1b2c3d4e5f60718"] }), "propagatingVgws", /virtual private gateways/);
    });

    it("finds a route to an internet gateway read with .get(), which the stack does not create", () => {
        caught((d) => {
            addResource(d, "aws:ec2/internetGateway:InternetGateway", "shared-igw", { vpcId: "vpc-1" }, { id: "igw-0read", external: true });
            addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0read" });
        }, "gatewayId", /not an internet gateway the stack creates/);
    });

    const unresolved = (edit: (doc: StackDoc) => void, resourceName: string, statement: string, why: RegExp) => {
        const result = run(edit);
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.report.violations.some((v: any) => v.code === "BT-PLAN-UNRESOLVED" && v.resource === resourceName && v.statement === statement && why.test(v.why)), result.stderr);
    };
    const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
    const ENDPOINT_ASSOCIATION = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation";
    const notInFile: [string, (d: StackDoc) => void, string, string, RegExp][] = [
        ["a route to a VPC endpoint not in the file", (d) => addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationPrefixListId: "pl-63a5400a", vpcEndpointId: "vpce-0a1b2c3d4e5f60718" }), "r", "vpcEndpointId", /names the VPC endpoint "vpce-0a1b2c3d4e5f60718" \(vpcEndpointId\), which is not in this stack's file/],
        ["a route table's inline route to a transit gateway not in the file", (d) => addResource(d, ROUTE_TABLE, "rt", { vpcId: "vpc-1", routes: [{ cidrBlock: "10.9.0.0/16", transitGatewayId: "tgw-0abc" }] }), "rt", "routes[0].transitGatewayId", /names the transit gateway "tgw-0abc"/],
        ["a route in a route table not in the file", (d) => addResource(d, ROUTE, "r", { routeTableId: "rtb-0someoneelse", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-0own" }), "r", "routeTableId", /names the route table "rtb-0someoneelse"/],
        ["a route to a target it does not know, not in the file", (d) => addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", someFutureTargetId: "x-0abc" }), "r", "someFutureTargetId", /names the target "x-0abc"/],
        ["a subnet's association with a route table not in the file", (d) => addResource(d, ASSOCIATION, "a", { subnetId: "subnet-1", routeTableId: "rtb-0someoneelse" }), "a", "routeTableId", /names the route table "rtb-0someoneelse"/],
        ["a route table's association with a subnet not in the file", (d) => addResource(d, ASSOCIATION, "a", { subnetId: "subnet-0someoneelse", routeTableId: "rtb-1" }), "a", "subnetId", /names the subnet "subnet-0someoneelse"/],
        ["a route table's edge association with a gateway not in the file", (d) => addResource(d, ASSOCIATION, "a", { gatewayId: "vgw-0a1b2c3d4e5f60718", routeTableId: "rtb-1" }), "a", "gatewayId", /names the gateway "vgw-0a1b2c3d4e5f60718"/],
        ["an association of a gateway endpoint not in the file with a route table", (d) => addResource(d, ENDPOINT_ASSOCIATION, "a", { vpcEndpointId: "vpce-1", routeTableId: "rtb-1" }), "a", "vpcEndpointId", /names the VPC endpoint "vpce-1"/],
        ["a route table association that names no route table", (d) => addResource(d, ASSOCIATION, "a", { subnetId: "subnet-1" }), "a", "routeTableId", /names no route table/],
    ];
    for (const [name, edit, resourceName, statement, why] of notInFile) {
        it(`reports ${name} as unresolved`, () => unresolved(edit, resourceName, statement, why));
    }

    it("accepts associations of the stack's own subnet, route table, internet gateway and gateway endpoint", () => {
        const result = run((d) => {
            const endpoint = resource(d, ENDPOINT, "customer-a-s3-endpoint").id as string;
            addResource(d, ASSOCIATION, "subnet-rt", { subnetId: "subnet-1", routeTableId: "rtb-1" });
            addResource(d, ASSOCIATION, "edge-rt", { gatewayId: "igw-0own", routeTableId: "rtb-1" });
            addResource(d, ENDPOINT_ASSOCIATION, "s3-rt", { vpcEndpointId: endpoint, routeTableId: "rtb-1" });
        });
        assert.strictEqual(result.code, 0, result.stderr);
    });

    it("accepts routes to the VPC itself and to the stack's own gateways and endpoint", () => {
        const result = run((d) => {
            const endpoint = resource(d, ENDPOINT, "customer-a-s3-endpoint").id as string;
            addResource(d, ROUTE_TABLE, "rt", { vpcId: "vpc-1", routes: [
                { cidrBlock: "10.0.0.0/16", gatewayId: "local" },
                { cidrBlock: "0.0.0.0/0", gatewayId: "igw-0own" },
                { cidrBlock: "10.1.0.0/16", natGatewayId: "nat-0own" },
                { ipv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-0own" },
                { destinationPrefixListId: "pl-63a5400a", vpcEndpointId: endpoint },
            ] });
            addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-0own" });
        });
        assert.strictEqual(result.code, 0, result.stderr);
    });

    it("accepts a refreshed route, whose unset targets are empty and whose outputs say what AWS reports", () => {
        const result = run((d) => addResource(d, ROUTE, "r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0own" }, {
            outputs: { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0own", natGatewayId: "", networkInterfaceId: "", transitGatewayId: "", vpcPeeringConnectionId: "", instanceId: "", instanceOwnerId: "", origin: "CreateRoute", state: "active" },
        }));
        assert.strictEqual(result.code, 0, result.stderr);
    });
});
