;; The inner loops of the fused attention kernel (fused-attention.ts) with 128-bit SIMD, over the
;; memory of tfjs's wasm backend (imported, so tensors are read and written in place).
;; Pointers and strides are in bytes; n (floats per row) is a multiple of 4.
;; Rebuild after editing: npm run build:wasm (writes attention-kernels.wasm.ts).
(module
  (import "env" "memory" (memory 1))

  ;; out[j] = Σ_c a[c] · rows[j][c]    for j < count
  (func (export "dots") (param $a i32) (param $rows i32) (param $stride i32) (param $count i32) (param $n i32) (param $out i32)
    (local $end i32) (local $c i32) (local $acc v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $rowDone
          (loop $column
            (br_if $rowDone (i32.ge_u (local.get $c) (local.get $n)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $c)))
                           (v128.load (i32.add (local.get $rows) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $column)))
        (f32.store (local.get $out)
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                   (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $rows (i32.add (local.get $rows) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))

  ;; out[c] += Σ_j weights[j] · rows[j][c]    (rows with weight 0 are skipped)
  (func (export "weightedSum") (param $weights i32) (param $rows i32) (param $stride i32) (param $count i32) (param $n i32) (param $out i32)
    (local $end i32) (local $c i32) (local $w f32) (local $s v128) (local $at i32)
    (local.set $end (i32.add (local.get $weights) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $weights) (local.get $end)))
        (local.set $w (f32.load (local.get $weights)))
        (if (f32.ne (local.get $w) (f32.const 0))
          (then
            (local.set $s (f32x4.splat (local.get $w)))
            (local.set $c (i32.const 0))
            (block $rowDone
              (loop $column
                (br_if $rowDone (i32.ge_u (local.get $c) (local.get $n)))
                (local.set $at (i32.add (local.get $out) (local.get $c)))
                (v128.store (local.get $at)
                  (f32x4.add (v128.load (local.get $at))
                    (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $rows) (local.get $c))))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $column)))))
        (local.set $rows (i32.add (local.get $rows) (local.get $stride)))
        (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
        (br $row))))

  ;; rows[j][c] += weights[j] · x[c]    (rows with weight 0 are skipped)
  (func (export "addOuter") (param $weights i32) (param $x i32) (param $rows i32) (param $stride i32) (param $count i32) (param $n i32)
    (local $end i32) (local $c i32) (local $w f32) (local $s v128) (local $at i32)
    (local.set $end (i32.add (local.get $weights) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $weights) (local.get $end)))
        (local.set $w (f32.load (local.get $weights)))
        (if (f32.ne (local.get $w) (f32.const 0))
          (then
            (local.set $s (f32x4.splat (local.get $w)))
            (local.set $c (i32.const 0))
            (block $rowDone
              (loop $column
                (br_if $rowDone (i32.ge_u (local.get $c) (local.get $n)))
                (local.set $at (i32.add (local.get $rows) (local.get $c)))
                (v128.store (local.get $at)
                  (f32x4.add (v128.load (local.get $at))
                    (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $x) (local.get $c))))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $column)))))
        (local.set $rows (i32.add (local.get $rows) (local.get $stride)))
        (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
        (br $row))))
)
