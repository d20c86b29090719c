import { describe, plan, Job } from "./schedule";

const builtIn: Job[] = [
  { name: "backup", every: "1d" },
  { name: "heartbeat", every: "30s" },
  { name: "report", every: "2h" },
];

function main(): void {
  const jobs: Job[] = process.env.SELFTEST === "1" || !process.env.JOBS
    ? builtIn
    : JSON.parse(process.env.JOBS);
  const prefix = process.env.SELFTEST === "1" ? "node-typescript selftest:" : "schedule:";
  console.log(prefix, describe(plan(jobs)));
}

main();
