const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([KMG])i?B?$/i;

export type SizeReading = { ok: true; bytes: number } | { ok: false; problem: string; hint: string };

/**
 * "512M", "1.5G", "800K" (also 512MB, 512Mi; powers of 1024, as ps and top count) in bytes. A bare
 * number is refused: `memory_limit: 512` meant as megabytes would restart the process at once.
 */
export function readSize(input: unknown): SizeReading {
  const match = typeof input === 'string' ? SIZE.exec(input.trim()) : null;
  const bytes = match ? Math.round(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!) : 0;
  if (bytes > 0) return { ok: true, bytes };
  return { ok: false, problem: `${JSON.stringify(input)} is not a size`, hint: 'write a number and a unit, K, M or G, e.g. 512M or 1.5G' };
}

/** 48.2M, 1.5G, 812K, 0B: one decimal below 100 units, as the sizes tf ps shows. */
export function formatSize(bytes: number): string {
  const units: Array<[string, number]> = [['G', UNITS.G!], ['M', UNITS.M!], ['K', UNITS.K!]];
  for (const [unit, size] of units) {
    if (bytes < size) continue;
    const value = bytes / size;
    return `${value < 100 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)}${unit}`;
  }
  return `${bytes}B`;
}
