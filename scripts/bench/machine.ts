import { cpus, totalmem } from "node:os";

/** The machine a benchmark ran on, recorded beside its figures. */
export function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
