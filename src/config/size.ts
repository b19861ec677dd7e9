const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
/** 512, 512B, 10K, 10M, 10MB, 10Mi, 10MiB, 1.5G: powers of 1024, as ps and top count. */
const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmg])(?:ib?|b)?|b)?$/i;

export type SizeReading = { ok: true; bytes: number } | { ok: false; problem: string; hint: string };

/** "10M", "512K", "1G", or a bare number of bytes, in bytes; undefined if not one. */
export function parseSize(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const match = SIZE.exec(input.trim());
  if (!match) return undefined;
  const bytes = Math.floor(Number(match[1]) * (match[2] ? UNITS[match[2].toLowerCase()]! : 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * A size that must name its unit (memory_limit): a bare number is refused, since `memory_limit: 512`
 * meant as megabytes would restart the process at once.
 */
export function readSize(input: unknown): SizeReading {
  const named = typeof input === 'string' && /[kmg]/i.test(input);
  const bytes = named ? parseSize(input) : undefined;
  if (bytes !== undefined && bytes > 0) return { ok: true, bytes };
  return { ok: false, problem: `${JSON.stringify(input)} is not a size`, hint: 'write a number and a unit, K, M or G, e.g. 512M or 1.5G' };
}

/** 48.2M, 1.5G, 812K, 0B: one decimal below 100 units, as the sizes tf ps shows. */
export function formatSize(bytes: number): string {
  for (const unit of ['g', 'm', 'k']) {
    const size = UNITS[unit]!;
    if (bytes < size) continue;
    const value = bytes / size;
    return `${value < 100 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)}${unit.toUpperCase()}`;
  }
  return `${bytes}B`;
}
