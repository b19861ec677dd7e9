;; The output fast path's inner loop: put a prefix before every line of a block of whole lines.
;; Compiled by scripts/build-wasm.mjs into prefix-lines-wasm.ts; prefix-kernel.ts is its only user.
;;
;; A CR right before an LF (a CRLF: what a terminal makes of every newline, so all of tty mode's
;; output) ends the line as the LF alone does: the CR is left out of the output. A block with a byte
;; that needs care on a terminal (a control character but TAB, LF and such a CR, DEL, or a C1
;; control: 0xC2 then 0x80-0x9F) is refused with -2: the caller then makes those lines safe one
;; by one (format.ts, visibleControls). The caller fills the vector after the input with spaces, so
;; that check never reads a stale byte.
;;
;; Memory layout (prefix-kernel.ts owns it): the prefix at address 0, the input block, the output.
;; The loop moves 16 bytes at a time and may read and write up to a vector past each end, so the
;; caller leaves that much room after the prefix, the input and the output.
(module
  (memory (export "memory") 1)

  ;; Whether [p, p + len) holds a byte that needs care. The vectors are OR-ed together and tested
  ;; once; the last may pass the end, where the caller's spaces are. A C1 control is 0xC2 followed
  ;; by 0x80-0x9F, a CRLF's CR is followed by LF: the vector one byte on holds each lane's follower.
  (func $needsCare (param $p i32) (param $len i32) (result i32)
    (local $end i32) (local $v v128) (local $next v128) (local $acc v128)
    (local $space v128) (local $tab v128) (local $lf v128) (local $cr v128) (local $del v128) (local $c1 v128)
    (local $top3 v128) (local $c1tail v128)
    (local.set $space (i8x16.splat (i32.const 0x20)))
    (local.set $tab (i8x16.splat (i32.const 0x09)))
    (local.set $lf (i8x16.splat (i32.const 0x0a)))
    (local.set $cr (i8x16.splat (i32.const 0x0d)))
    (local.set $del (i8x16.splat (i32.const 0x7f)))
    (local.set $c1 (i8x16.splat (i32.const 0xc2)))
    (local.set $top3 (i8x16.splat (i32.const 0xe0)))
    (local.set $c1tail (i8x16.splat (i32.const 0x80)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $next (v128.load offset=1 (local.get $p)))
        ;; Below 0x20 but neither TAB nor LF nor CR before LF, or DEL, or 0xC2 before 0x80-0x9F.
        (local.set $acc (v128.or (local.get $acc)
          (v128.or
            (v128.andnot
              (i8x16.lt_u (local.get $v) (local.get $space))
              (v128.or
                (v128.or (i8x16.eq (local.get $v) (local.get $lf)) (i8x16.eq (local.get $v) (local.get $tab)))
                (v128.and (i8x16.eq (local.get $v) (local.get $cr)) (i8x16.eq (local.get $next) (local.get $lf)))))
            (v128.or
              (i8x16.eq (local.get $v) (local.get $del))
              (v128.and
                (i8x16.eq (local.get $v) (local.get $c1))
                (i8x16.eq (v128.and (local.get $next) (local.get $top3)) (local.get $c1tail)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $scan)))
    (v128.any_true (local.get $acc)))

  ;; Copies [in, in + len), which ends in LF, to out with the prefix (memory[0, prefixLen)) before
  ;; each line. Returns the bytes written, or -1, having stopped early, when they would pass outEnd,
  ;; or -2 when a byte needs care (what it wrote is then not to be used).
  ;;
  ;; A cheap filter rides along the copy: any byte outside printable ASCII (0x20-0x7E) but LF is
  ;; noted in $acc (a subtract and one unsigned compare a vector). Only a block with such a byte,
  ;; TAB or UTF-8 text or a control, gets the exact check ($needsCare) at the end. The vector
  ;; holding a line's LF also holds the start of the next line, noted again with that line:
  ;; harmless. Past the last LF are the caller's spaces.
  (func (export "prefixLines")
    (param $in i32) (param $len i32) (param $out i32) (param $outEnd i32) (param $prefixLen i32)
    (result i32)
    (local $p i32) (local $end i32) (local $o i32) (local $k i32) (local $mask i32) (local $start i32)
    (local $v v128) (local $lf v128) (local $isLf v128) (local $acc v128)
    (local $space v128) (local $printable v128)
    (local.set $space (i8x16.splat (i32.const 0x20)))
    (local.set $printable (i8x16.splat (i32.const 0x5e)))
    (local.set $p (local.get $in))
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $o (local.get $out))
    (local.set $lf (i8x16.splat (i32.const 10)))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $start (local.get $p))
        ;; Room for this prefix, all the input left and a vector of overrun, checked per line.
        (if (i32.gt_u
              (i32.add (i32.add (local.get $o) (local.get $prefixLen))
                       (i32.add (i32.sub (local.get $end) (local.get $p)) (i32.const 32)))
              (local.get $outEnd))
          (then (return (i32.const -1))))
        (local.set $k (i32.const 0))
        (loop $prefix
          (v128.store (i32.add (local.get $o) (local.get $k)) (v128.load (local.get $k)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $prefix (i32.lt_u (local.get $k) (local.get $prefixLen))))
        (local.set $o (i32.add (local.get $o) (local.get $prefixLen)))
        ;; Store each vector whole, then advance past the LF only: what follows it is overwritten.
        (loop $scan
          (local.set $v (v128.load (local.get $p)))
          (v128.store (local.get $o) (local.get $v))
          (local.set $isLf (i8x16.eq (local.get $v) (local.get $lf)))
          (local.set $mask (i8x16.bitmask (local.get $isLf)))
          ;; v - 0x20 above 0x5E: below 0x20 (wrapped) or 0x7F and up.
          (local.set $acc (v128.or (local.get $acc)
            (v128.andnot (i8x16.gt_u (i8x16.sub (local.get $v) (local.get $space)) (local.get $printable)) (local.get $isLf))))
          (if (i32.eqz (local.get $mask))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (br $scan))))
        (local.set $k (i32.add (i32.ctz (local.get $mask)) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $k)))
        ;; The output mirrors the input byte for byte up to the LF (at o + k - 1); a CR of this
        ;; line right before it gives way to the LF, one byte back.
        (if (i32.and
              (i32.ge_u (i32.sub (local.get $p) (i32.const 2)) (local.get $start))
              (i32.eq (i32.load8_u (i32.sub (local.get $p) (i32.const 2))) (i32.const 0x0d)))
          (then
            (i32.store8 (i32.add (local.get $o) (i32.sub (local.get $k) (i32.const 2))) (i32.const 0x0a))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))))
        (local.set $o (i32.add (local.get $o) (local.get $k)))
        (br $line)))
    (if (v128.any_true (local.get $acc))
      (then (if (call $needsCare (local.get $in) (local.get $len)) (then (return (i32.const -2))))))
    (i32.sub (local.get $o) (local.get $out)))
)
