/** "1 variable", "3 variables", "1 entry", "2 entries": a count and its noun, agreeing. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
