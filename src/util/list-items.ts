/** Repeated flags and foreman's comma lists alike: `-e a,b -e c` and `web=1, worker=2` give each item once, trimmed. */
export function listItems(values: readonly string[] = []): string[] {
  return values.flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}
