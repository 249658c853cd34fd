/** The machine a run was measured on, printed beside every figure. */
import * as fs from "fs";
import * as os from "os";

export interface MachineInfo {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
}

export function machineInfo(): MachineInfo {
    let cpuModel = os.cpus()[0]?.model ?? "unknown";
    try {
        cpuModel = fs.readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpuModel;
    } catch {
        // Not Linux: os.cpus() is the next best source.
    }
    return {
        // nproc: the CPUs this process may run on, not the host's total.
        cpus: os.availableParallelism(),
        cpuModel,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
    };
}
