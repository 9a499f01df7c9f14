<?php
// A hop in the middle: calls another service; when it fails, its chain becomes the cause of this
// script's own exception, and the whole chain goes back to the client.
require __DIR__ . '/../lib/ErrorChain.php';

$url = getenv('PROFILE_SERVICE_URL') ?: 'http://127.0.0.1:8081';
$context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 5]]);
$body = file_get_contents($url . '/profile/7', false, $context);
$status = (int) explode(' ', $http_response_header[0] ?? 'HTTP/1.1 502')[1];
if ($status >= 500) {
    $cause = ErrorChain::fromResponseHeaders($http_response_header);
    ErrorChain::respond(new RuntimeException('profile service failed', 0, $cause), 502);
    exit;
}
header('Content-Type: application/json');
echo $body;
