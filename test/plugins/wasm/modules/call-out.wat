;; Asks an upstream before letting a request on: proxy_on_request_headers sends proxy_http_call to
;; the upstream named "auth" (GET /check) and pauses; proxy_on_http_call_response switches to the
;; request's context, and on a 200 adds X-Auth (the call's response body) and continues the
;; request, else answers 403 itself. A tick every 10 ms writes shared data "ticked" with
;; compare-and-swap and checks a stale swap is refused ("cas" = "mismatch-refused"); requests
;; carry both in X-Ticked and X-Cas when they are there.
(module
  (import "env" "proxy_http_call" (func $http_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $set_effective (param i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue (param i32) (result i32)))
  (import "env" "proxy_send_local_response" (func $send_local (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $set_tick (param i32) (result i32)))
  (import "env" "proxy_get_shared_data" (func $get_shared (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_shared_data" (func $set_shared (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
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
  ;; GET /check to authority "auth", serialized: 3 pairs.
  (data (i32.const 16) "\03\00\00\00\07\00\00\00\03\00\00\00\05\00\00\00\06\00\00\00\0a\00\00\00\04\00\00\00:method\00GET\00:path\00/check\00:authority\00auth\00")
  (data (i32.const 128) "auth")
  (data (i32.const 136) ":status")
  (data (i32.const 144) "200")
  (data (i32.const 152) "x-auth")
  (data (i32.const 160) "ticked")
  (data (i32.const 168) "yes")
  (data (i32.const 176) "cas")
  (data (i32.const 184) "mismatch-refused")
  (data (i32.const 208) "x-ticked")
  (data (i32.const 224) "x-cas")
  (data (i32.const 232) "denied by auth")
  ;; 512 + token * 4: the context that made call `token` (tokens below 800 here).

  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (drop (call $set_tick (i32.const 10)))
    (i32.const 1))

  (func (export "proxy_on_tick") (param $root i32)
    (local $cas i32)
    (global.set $heap (i32.const 4096))
    (i32.store (i32.const 8) (i32.const 0))
    (drop (call $get_shared (i32.const 160) (i32.const 6) (i32.const 0) (i32.const 4) (i32.const 8)))
    (local.set $cas (i32.load (i32.const 8)))
    (if (i32.eqz (call $set_shared (i32.const 160) (i32.const 6) (i32.const 168) (i32.const 3) (local.get $cas)))
      (then
        ;; The swap above changed the value's cas: the same (stale) cas must now be refused (CAS_MISMATCH = 8).
        (if (i32.and (i32.ne (local.get $cas) (i32.const 0)) (i32.eq (call $set_shared (i32.const 160) (i32.const 6) (i32.const 168) (i32.const 3) (local.get $cas)) (i32.const 8)))
          (then (drop (call $set_shared (i32.const 176) (i32.const 3) (i32.const 184) (i32.const 16) (i32.const 0))))))))

  (func $copy_shared (param $key i32) (param $key_len i32) (param $header i32) (param $header_len i32)
    (if (i32.eqz (call $get_shared (local.get $key) (local.get $key_len) (i32.const 0) (i32.const 4) (i32.const 8)))
      (then (drop (call $add_header (i32.const 0) (local.get $header) (local.get $header_len) (i32.load (i32.const 0)) (i32.load (i32.const 4)))))))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (global.set $heap (i32.const 4096))
    (call $copy_shared (i32.const 160) (i32.const 6) (i32.const 208) (i32.const 8))
    (call $copy_shared (i32.const 176) (i32.const 3) (i32.const 224) (i32.const 5))
    (if (call $http_call (i32.const 128) (i32.const 4) (i32.const 16) (i32.const 69) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2000) (i32.const 0))
      (then (return (i32.const 0))))
    (i32.store (i32.add (i32.const 512) (i32.shl (i32.load (i32.const 0)) (i32.const 2))) (local.get $ctx))
    (i32.const 1))

  (func (export "proxy_on_http_call_response") (param $root i32) (param $token i32) (param $headers i32) (param $body i32) (param $trailers i32)
    (global.set $heap (i32.const 4096))
    (drop (call $set_effective (i32.load (i32.add (i32.const 512) (i32.shl (local.get $token) (i32.const 2))))))
    ;; MapType HTTP_CALL_RESPONSE_HEADERS = 6
    (if (i32.eqz (call $get_header (i32.const 6) (i32.const 136) (i32.const 7) (i32.const 0) (i32.const 4)))
      (then
        (if (i32.and (i32.eq (i32.load (i32.const 4)) (i32.const 3)) (i32.eq (i32.load8_u (i32.load (i32.const 0))) (i32.const 50)))
          (then
            ;; BufferType HTTP_CALL_RESPONSE_BODY = 4
            (if (i32.eqz (call $get_buffer_bytes (i32.const 4) (i32.const 0) (local.get $body) (i32.const 0) (i32.const 4)))
              (then (drop (call $add_header (i32.const 0) (i32.const 152) (i32.const 6) (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
            (drop (call $continue (i32.const 0)))
            (return)))))
    (drop (call $send_local (i32.const 403) (i32.const 0) (i32.const 0) (i32.const 232) (i32.const 14) (i32.const 0) (i32.const 0) (i32.const -1))))
)
