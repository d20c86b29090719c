import ms from "ms";

// A duration such as "2h" or "1d" in whole seconds (0 when it cannot be read).
export function ttlSeconds(text: string): number {
  const value = ms(text as ms.StringValue);
  return typeof value === "number" ? Math.floor(value / 1000) : 0;
}
