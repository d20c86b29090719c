import semver from "semver";

export function satisfiesRange(version: string, range: string): { version: string; range: string; ok: boolean } {
  return { version, range, ok: semver.valid(version) !== null && semver.satisfies(version, range) };
}
