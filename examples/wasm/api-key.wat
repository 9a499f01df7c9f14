;; An API-key check written to the proxy-wasm ABI 0.2.1, as the SDKs lay a filter out: the key is
;; the plugin configuration (read in proxy_on_configure), every request must carry it in
;; X-Api-Key, and a request without it is answered 401 with proxy_send_local_response (then
;; Pause, as the Rust SDK's send_http_response is followed by Action::Pause). The same module
;; runs in Envoy (envoy.filters.http.wasm).
;;
;; Memory: 0-15 return slots, 16-1023 constants, 1024-2047 the configured key, 4096- an arena
;; the host allocates from and that is reset at the start of every callback (no callback keeps a
;; pointer into it).
(module
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_send_local_response" (func $send_local (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (global $key_len (mut i32) (i32.const 0))
  (data (i32.const 16) "x-api-key")
  (data (i32.const 32) "api_key_rejected")
  (data (i32.const 64) "{\"error\":\"missing or invalid api key\"}")
  (data (i32.const 128) "\01\00\00\00\0c\00\00\00\10\00\00\00content-type\00application/json\00")
  (data (i32.const 192) "api-key: request rejected")
  (data (i32.const 224) "api-key: the plugin configuration must be the key (1 to 1024 bytes)")

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

  (func $equal (param $a i32) (param $b i32) (param $len i32) (result i32)
    (block $differ
      (loop $next
        (if (i32.eqz (local.get $len)) (then (return (i32.const 1))))
        (br_if $differ (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func $copy (param $to i32) (param $from i32) (param $len i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (i32.store8 (local.get $to) (i32.load8_u (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 1)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next))))

  (func (export "proxy_on_context_create") (param $ctx i32) (param $parent i32))
  (func (export "proxy_on_vm_start") (param $root i32) (param $size i32) (result i32) (i32.const 1))

  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (global.set $heap (i32.const 4096))
    (if (i32.or (i32.eqz (local.get $size)) (i32.gt_u (local.get $size) (i32.const 1024)))
      (then
        (drop (call $log (i32.const 4) (i32.const 224) (i32.const 67)))
        (return (i32.const 0))))
    ;; BufferType PLUGIN_CONFIGURATION = 7
    (if (call $get_buffer_bytes (i32.const 7) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4))
      (then (return (i32.const 0))))
    (call $copy (i32.const 1024) (i32.load (i32.const 0)) (i32.load (i32.const 4)))
    (global.set $key_len (i32.load (i32.const 4)))
    (i32.const 1))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $headers i32) (param $eos i32) (result i32)
    (global.set $heap (i32.const 4096))
    ;; MapType HTTP_REQUEST_HEADERS = 0; WasmResult OK = 0
    (if (i32.eqz (call $get_header (i32.const 0) (i32.const 16) (i32.const 9) (i32.const 0) (i32.const 4)))
      (then
        (if (i32.eq (i32.load (i32.const 4)) (global.get $key_len))
          (then
            (if (call $equal (i32.load (i32.const 0)) (i32.const 1024) (global.get $key_len))
              (then (return (i32.const 0))))))))
    (drop (call $log (i32.const 2) (i32.const 192) (i32.const 25)))
    (drop (call $send_local (i32.const 401) (i32.const 32) (i32.const 16) (i32.const 64) (i32.const 38) (i32.const 128) (i32.const 42) (i32.const -1)))
    (i32.const 1))
)
