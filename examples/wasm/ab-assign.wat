;; A header-based A/B assignment written to the proxy-wasm ABI 0.2.1: a request carrying
;; X-User-Id is put in group "a" or "b" by a stable hash of that id (32-bit FNV-1a, modulo 100,
;; below 50 is "a"), sent upstream as X-Ab-Group (replacing any the client sent), and counted in
;; the counters ab_group_a and ab_group_b. Without X-User-Id the request goes on unassigned and
;; any X-Ab-Group the client sent is removed. The same module runs in Envoy.
;;
;; Memory: 0-15 return slots, 16-1023 constants, 4096- an arena reset at every callback.
(module
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_remove_header_map_value" (func $remove_header (param i32 i32 i32) (result i32)))
  (import "env" "proxy_define_metric" (func $define_metric (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment_metric (param i32 i64) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (global $metric_a (mut i32) (i32.const 0))
  (global $metric_b (mut i32) (i32.const 0))
  (data (i32.const 16) "x-user-id")
  (data (i32.const 32) "x-ab-group")
  (data (i32.const 48) "a")
  (data (i32.const 49) "b")
  (data (i32.const 64) "ab_group_a")
  (data (i32.const 80) "ab_group_b")

  (func (export "proxy_abi_version_0_2_1"))

  (func $alloc (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (local.get $at) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))) (i32.const -1))
          (then (return (i32.const 0))))))
    (local.get $at))
  (func (export "proxy_on_context_create") (param $ctx i32) (param $parent i32))
  (func (export "proxy_on_vm_start") (param $root i32) (param $size i32) (result i32) (i32.const 1))

  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (global.set $heap (i32.const 4096))
    ;; MetricType COUNTER = 0
    (if (call $define_metric (i32.const 0) (i32.const 64) (i32.const 10) (i32.const 0)) (then (return (i32.const 0))))
    (global.set $metric_a (i32.load (i32.const 0)))
    (if (call $define_metric (i32.const 0) (i32.const 80) (i32.const 10) (i32.const 0)) (then (return (i32.const 0))))
    (global.set $metric_b (i32.load (i32.const 0)))
    (i32.const 1))

  ;; 32-bit FNV-1a of len bytes at ptr.
  (func $fnv1a (param $ptr i32) (param $len i32) (result i32)
    (local $hash i32)
    (local.set $hash (i32.const 0x811c9dc5))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $hash (i32.mul (i32.xor (local.get $hash) (i32.load8_u (local.get $ptr))) (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $hash))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $headers i32) (param $eos i32) (result i32)
    (local $b i32)
    (global.set $heap (i32.const 4096))
    ;; MapType HTTP_REQUEST_HEADERS = 0; NOT_FOUND (or any failure): no assignment.
    (if (call $get_header (i32.const 0) (i32.const 16) (i32.const 9) (i32.const 0) (i32.const 4))
      (then
        (drop (call $remove_header (i32.const 0) (i32.const 32) (i32.const 10)))
        (return (i32.const 0))))
    (local.set $b (i32.ge_u (i32.rem_u (call $fnv1a (i32.load (i32.const 0)) (i32.load (i32.const 4))) (i32.const 100)) (i32.const 50)))
    (drop (call $replace_header (i32.const 0) (i32.const 32) (i32.const 10) (i32.add (i32.const 48) (local.get $b)) (i32.const 1)))
    (drop (call $increment_metric (select (global.get $metric_b) (global.get $metric_a) (local.get $b)) (i64.const 1)))
    (i32.const 0))
)
