;; The inner loops of the fused attention kernels (fused-attention.ts, packed-attention.ts) and the
;; fused layer norm and GELU (fused-ops.ts) with 128-bit SIMD, over the
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

  ;; The sum of a v128's four lanes.
  (func $lanes (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; Layer norm (fused-ops.ts) of `rows` rows of n floats: x̂ = (x − mean)·rstd, y = x̂·γ + β,
  ;; rstd = 1/√(biased variance + 1e-12), one rstd per row.
  (func (export "layerNorm") (param $x i32) (param $gamma i32) (param $beta i32) (param $y i32) (param $xhat i32) (param $rstd i32) (param $rows i32) (param $n i32)
    (local $end i32) (local $c i32) (local $bytes i32) (local $acc v128) (local $mean v128) (local $inv v128) (local $centered v128) (local $h v128) (local $count f32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $count (f32.convert_i32_u (local.get $n)))
    (local.set $end (i32.add (local.get $rstd) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rstd) (local.get $end)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $x) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $sum)))
        (local.set $mean (f32x4.splat (f32.div (call $lanes (local.get $acc)) (local.get $count))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $varDone
          (loop $var
            (br_if $varDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $centered (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $mean)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $centered) (local.get $centered))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $var)))
        (f32.store (local.get $rstd)
          (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (call $lanes (local.get $acc)) (local.get $count)) (f32.const 1e-12)))))
        (local.set $inv (v128.load32_splat (local.get $rstd)))
        (local.set $c (i32.const 0))
        (block $outDone
          (loop $out
            (br_if $outDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $h (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (local.get $mean)) (local.get $inv)))
            (v128.store (i32.add (local.get $xhat) (local.get $c)) (local.get $h))
            (v128.store (i32.add (local.get $y) (local.get $c))
              (f32x4.add (f32x4.mul (local.get $h) (v128.load (i32.add (local.get $gamma) (local.get $c)))) (v128.load (i32.add (local.get $beta) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $out)))
        (local.set $x (i32.add (local.get $x) (local.get $bytes)))
        (local.set $y (i32.add (local.get $y) (local.get $bytes)))
        (local.set $xhat (i32.add (local.get $xhat) (local.get $bytes)))
        (local.set $rstd (i32.add (local.get $rstd) (i32.const 4)))
        (br $row))))

  ;; Its gradient: with ĝ = dy·γ, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dγ += dy·x̂ and dβ += dy
  ;; over the rows (dγ and dβ start at 0).
  (func (export "layerNormGrad") (param $dy i32) (param $xhat i32) (param $rstd i32) (param $gamma i32) (param $dx i32) (param $dgamma i32) (param $dbeta i32) (param $rows i32) (param $n i32)
    (local $end i32) (local $c i32) (local $bytes i32) (local $sum v128) (local $dot v128) (local $g v128) (local $gg v128) (local $h v128) (local $at i32) (local $count f32) (local $inv v128)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $count (f32.convert_i32_u (local.get $n)))
    (local.set $end (i32.add (local.get $rstd) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rstd) (local.get $end)))
        (local.set $sum (v128.const f32x4 0 0 0 0))
        (local.set $dot (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $sumsDone
          (loop $sums
            (br_if $sumsDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $c))))
            (local.set $h (v128.load (i32.add (local.get $xhat) (local.get $c))))
            (local.set $gg (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $gamma) (local.get $c)))))
            (local.set $sum (f32x4.add (local.get $sum) (local.get $gg)))
            (local.set $dot (f32x4.add (local.get $dot) (f32x4.mul (local.get $gg) (local.get $h))))
            (local.set $at (i32.add (local.get $dgamma) (local.get $c)))
            (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (f32x4.mul (local.get $g) (local.get $h))))
            (local.set $at (i32.add (local.get $dbeta) (local.get $c)))
            (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (local.get $g)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $sums)))
        (local.set $sum (f32x4.splat (f32.div (call $lanes (local.get $sum)) (local.get $count))))
        (local.set $dot (f32x4.splat (f32.div (call $lanes (local.get $dot)) (local.get $count))))
        (local.set $inv (v128.load32_splat (local.get $rstd)))
        (local.set $c (i32.const 0))
        (block $dxDone
          (loop $dxLoop
            (br_if $dxDone (i32.ge_u (local.get $c) (local.get $bytes)))
            (v128.store (i32.add (local.get $dx) (local.get $c))
              (f32x4.mul (local.get $inv)
                (f32x4.sub
                  (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $c))) (v128.load (i32.add (local.get $gamma) (local.get $c)))) (local.get $sum))
                  (f32x4.mul (v128.load (i32.add (local.get $xhat) (local.get $c))) (local.get $dot)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $dxLoop)))
        (local.set $dy (i32.add (local.get $dy) (local.get $bytes)))
        (local.set $xhat (i32.add (local.get $xhat) (local.get $bytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $bytes)))
        (local.set $rstd (i32.add (local.get $rstd) (i32.const 4)))
        (br $row))))

  ;; GELU from erf (fused-ops.ts), over `count` floats (a multiple of 4): y = ½·x·(1 + e), e = erf(x/√2).
  (func (export "gelu") (param $x i32) (param $e i32) (param $y i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y)
          (f32x4.mul (f32x4.mul (v128.load (local.get $x)) (v128.const f32x4 0.5 0.5 0.5 0.5))
                     (f32x4.add (v128.load (local.get $e)) (v128.const f32x4 1 1 1 1))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $next))))

  ;; Its gradient: dx = dy·(½·(1 + e) + x·q/√(2π)), q = exp(−x²/2).
  (func (export "geluGrad") (param $dy i32) (param $x i32) (param $e i32) (param $q i32) (param $dx i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dx) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $dx) (local.get $end)))
        (v128.store (local.get $dx)
          (f32x4.mul (v128.load (local.get $dy))
            (f32x4.add (f32x4.mul (f32x4.add (v128.load (local.get $e)) (v128.const f32x4 1 1 1 1)) (v128.const f32x4 0.5 0.5 0.5 0.5))
                       (f32x4.mul (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $q)))
                                  (v128.const f32x4 0.3989422804014327 0.3989422804014327 0.3989422804014327 0.3989422804014327)))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $next))))
)
