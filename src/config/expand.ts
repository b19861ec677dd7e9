/**
 * `${VAR}` expansion of env file values, in one pass.
 *
 * tf used dotenv-expand, which copies the whole environment for every value it expands and
 * rescans a value from its start after each substitution: 8,000 lines holding a `$` took 57 s,
 * and a "billion laughs" file grew without bound. Here each value is read once, left to right,
 * names are looked up in the environment as it stands, a substituted value is never read again,
 * and the result stops growing at `maxLength`: the time is linear in the file and the memory
 * bounded by the largest value a process could be given.
 *
 * Grammar (that of sh, minus everything that runs commands):
 *   $NAME  ${NAME}              the variable, or nothing when unset
 *   ${NAME:-word} ${NAME-word}  the variable, or word when it is unset (or, with ":", empty)
 *   ${NAME:+word} ${NAME+word}  word when the variable is set (and, with ":", not empty), else nothing
 *   \$                          a literal dollar sign
 * word is expanded the same way, nested to MAX_DEPTH levels. Anything else, an unclosed `${` or
 * `$(...)` included, is kept as typed.
 */

export type Lookup = (name: string) => string | undefined;

export type Expansion = { ok: true; value: string } | { ok: false; problem: 'too-large' | 'too-deep' };

export const MAX_DEPTH = 32;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const BRACED_NAME = /^[\w.]+$/;

class Stop {
  constructor(readonly problem: 'too-large' | 'too-deep') {}
}

/** Collects the result; stops the expansion as soon as it would pass `max` characters. */
class Output {
  private readonly parts: string[] = [];
  private length = 0;

  constructor(private readonly max: number) {}

  push(text: string): void {
    if (text === '') return;
    this.length += text.length;
    if (this.length > this.max) throw new Stop('too-large');
    this.parts.push(text);
  }

  text(): string {
    return this.parts.join('');
  }
}

export function expand(raw: string, lookup: Lookup, maxLength: number): Expansion {
  if (!raw.includes('$')) return raw.length > maxLength ? { ok: false, problem: 'too-large' } : { ok: true, value: raw };
  const out = new Output(maxLength);
  try {
    new Expander(raw, lookup, out).range(0, raw.length, 0);
  } catch (error) {
    if (error instanceof Stop) return { ok: false, problem: error.problem };
    throw error;
  }
  return { ok: true, value: out.text() };
}

class Expander {
  /** Where each `${` closes, found once up front so that an unclosed one costs no rescan. */
  private readonly closes: Map<number, number>;

  constructor(
    private readonly raw: string,
    private readonly lookup: Lookup,
    private readonly out: Output,
  ) {
    this.closes = matchBraces(raw);
  }

  range(from: number, to: number, depth: number): void {
    if (depth > MAX_DEPTH) throw new Stop('too-deep');
    const { raw, out } = this;
    let chunk = from;
    for (let i = from; i < to; i++) {
      const c = raw[i];
      if (c === '\\' && raw[i + 1] === '$' && i + 1 < to) {
        out.push(raw.slice(chunk, i));
        chunk = i + 1; // the `$` is kept with the text that follows
        i++;
        continue;
      }
      if (c !== '$') continue;
      if (raw[i + 1] === '{') {
        const close = this.closes.get(i);
        if (close === undefined || close >= to) continue;
        out.push(raw.slice(chunk, i));
        this.braced(i, close, depth);
        i = close;
        chunk = close + 1;
        continue;
      }
      NAME.lastIndex = i + 1;
      const name = NAME.exec(raw)?.[0];
      if (name === undefined || i + name.length >= to) continue;
      out.push(raw.slice(chunk, i));
      out.push(this.lookup(name) ?? '');
      i += name.length;
      chunk = i + 1;
    }
    out.push(raw.slice(chunk, to));
  }

  /** `${...}` from the `$` at OPEN to the `}` at CLOSE. */
  private braced(open: number, close: number, depth: number): void {
    const { raw } = this;
    const start = open + 2;
    const op = operatorAt(raw, start, close);
    const name = raw.slice(start, op ? op.at : close);
    if (!BRACED_NAME.test(name)) {
      this.out.push(raw.slice(open, close + 1));
      return;
    }
    const value = this.lookup(name);
    if (!op) {
      this.out.push(value ?? '');
      return;
    }
    const set = value !== undefined && (!op.text.startsWith(':') || value !== '');
    const word = op.at + op.text.length;
    if (op.text.endsWith('-')) {
      if (set) this.out.push(value!);
      else this.range(word, close, depth + 1);
    } else if (set) {
      this.range(word, close, depth + 1);
    }
  }
}

/** The first of `:-` `-` `:+` `+` between FROM and TO. */
function operatorAt(raw: string, from: number, to: number): { at: number; text: string } | undefined {
  for (let i = from; i < to; i++) {
    const c = raw[i];
    if (c === '-' || c === '+') return { at: i, text: c };
    if (c === ':' && (raw[i + 1] === '-' || raw[i + 1] === '+') && i + 1 < to) return { at: i, text: `:${raw[i + 1]}` };
  }
  return undefined;
}

function matchBraces(raw: string): Map<number, number> {
  const closes = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === '$') i++;
    else if (c === '$' && raw[i + 1] === '{') open.push(i++);
    else if (c === '}' && open.length > 0) closes.set(open.pop()!, i);
  }
  return closes;
}
