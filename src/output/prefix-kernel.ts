import { PREFIX_LINES_WASM } from './prefix-lines-wasm.js';

const VECTOR_SLACK = 64;
const PREFIX_AT = 0;
const PREFIX_ROOM = 1024;
/** A read from a pipe is at most 64 KiB; with a held line in front it rarely passes this. */
const INPUT_ROOM = 256 * 1024;
const INPUT_AT = PREFIX_AT + PREFIX_ROOM;
/** Four times the input: lines as short as a third of their prefix still fit. */
const OUTPUT_ROOM = 4 * INPUT_ROOM;
const OUTPUT_AT = INPUT_AT + INPUT_ROOM + VECTOR_SLACK;
const MEMORY_BYTES = OUTPUT_AT + OUTPUT_ROOM + VECTOR_SLACK;
const WASM_PAGE = 65536;
const LF = 0x0a;
const SPACE = 0x20;
const VECTOR_BYTES = 16;
/** What prefixLines in prefix-lines.wat returns for a block with a byte that needs care. */
const CARE_FOUND = -2;
export const NEEDS_CARE = 'needs care';

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  prefixLines(input: number, length: number, output: number, outputEnd: number, prefixLength: number): number;
}

/** The part of WebAssembly tf uses: TypeScript declares it only in the DOM lib, which tf does not load. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
}

/**
 * Puts a prefix before every line of a block of whole lines, in WebAssembly (prefix-lines.wat).
 * Moving 16 bytes at a time, it takes a fifth of the time of the best string operation found
 * (one latin1 replaceAll), which was most of tf's CPU time when processes print fast.
 */
export class PrefixKernel {
  private constructor(
    private readonly exports: KernelExports,
    private readonly memory: Uint8Array,
  ) {}

  /**
   * undefined where Node runs without WebAssembly (`--jitless`), or cannot compile SIMD or give
   * the memory: callers keep a string path, so output never depends on the kernel.
   */
  static load(): PrefixKernel | undefined {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (wasm === undefined) return undefined;
    try {
      // The cast names the types of what prefix-lines.wat exports.
      const exports = new wasm.Instance(new wasm.Module(Buffer.from(PREFIX_LINES_WASM, 'base64'))).exports as KernelExports;
      exports.memory.grow(Math.ceil((MEMORY_BYTES - exports.memory.buffer.byteLength) / WASM_PAGE));
      return new PrefixKernel(exports, new Uint8Array(exports.memory.buffer));
    } catch {
      return undefined;
    }
  }

  /**
   * `prefix` before each line of `parts`, joined, as a new Buffer; each part is whole lines ending
   * in LF. undefined when they do not fit its memory (a long prefix, a huge block, lines much
   * shorter than the prefix): the caller then takes its string path. NEEDS_CARE when a byte needs
   * care on a terminal (format.ts, needsCare): the caller then takes the careful path.
   */
  prefixLines(prefix: Uint8Array, parts: readonly Uint8Array[]): Buffer | typeof NEEDS_CARE | undefined {
    if (prefix.length > PREFIX_ROOM - VECTOR_SLACK) return undefined;
    let length = 0;
    for (const part of parts) {
      // The loop runs to the next LF: a block not ending in one would run past it.
      if (part.length > 0 && part[part.length - 1] !== LF) return undefined;
      length += part.length;
    }
    if (length > INPUT_ROOM) return undefined;
    this.memory.set(prefix, PREFIX_AT);
    let at = INPUT_AT;
    for (const part of parts) {
      this.memory.set(part, at);
      at += part.length;
    }
    // The care check reads whole vectors and a byte beyond: what follows the input must be harmless.
    this.memory.fill(SPACE, at, at + VECTOR_BYTES);
    const written = this.exports.prefixLines(INPUT_AT, length, OUTPUT_AT, OUTPUT_AT + OUTPUT_ROOM, prefix.length);
    if (written === CARE_FOUND) return NEEDS_CARE;
    // A copy: the sink and `tf logs` may hold the chunk after this returns, and the memory is reused.
    return written < 0 ? undefined : Buffer.from(this.memory.subarray(OUTPUT_AT, OUTPUT_AT + written));
  }
}
