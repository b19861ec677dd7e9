/** "1 variable", "3 variables": a count and its noun, agreeing. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
