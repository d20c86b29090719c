import ms from "ms";

export interface Job {
  name: string;
  every: string;
}

/** Milliseconds between runs of each job, shortest first. */
export function plan(jobs: Job[]): Array<[string, number]> {
  return jobs
    .map((j): [string, number] => {
      const interval = ms(j.every);
      if (typeof interval !== "number" || Number.isNaN(interval)) {
        throw new Error(`bad interval for ${j.name}: ${j.every}`);
      }
      return [j.name, interval];
    })
    .sort((a, b) => a[1] - b[1]);
}

export function describe(p: Array<[string, number]>): string {
  return p.map(([name, interval]) => `${name}@${ms(interval)}`).join(" ");
}
