<?php
// An item as a PHP application answers it: a few fields, a clock and a request id (noise).
header('Content-Type: application/json');
$id = (int) basename(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
echo json_encode([
  'id' => $id,
  'name' => "item $id",
  'price' => 10 * $id,
  'tags' => ['red', 'green', 'blue'],
  'generatedAt' => sprintf('%.6f', microtime(true)),
  'requestId' => bin2hex(random_bytes(8)),
]);
